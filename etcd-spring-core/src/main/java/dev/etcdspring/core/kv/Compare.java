// One job: one comparison of a transaction (jetcd's Cmp): a key's value, version, create or mod revision or
// lease against an operand.
package dev.etcdspring.core.kv;

import java.util.Arrays;

/**
 * One comparison of a {@link EtcdTxn transaction}, immutable. Built from what is compared, then how:
 *
 * <pre>{@code
 * Compare.value("config/mode").isEqualTo("blue")
 * Compare.modRevision("config/mode").isEqualTo(42)
 * Compare.createRevision("locks/job").isEqualTo(0)        // the key does not exist
 * Compare.version("config/").over(KeyRange.prefix()).isGreaterThan(0)
 * }</pre>
 *
 * <p>A key that does not exist has version, create and mod revision 0 and lease 0, and fails every value
 * comparison. Over a range, the comparison holds only if it holds for every key of the range.
 */
public final class Compare {

    /** What of the key is compared. */
    public enum Target {
        /** The value's bytes. */
        VALUE,
        /** The version (0 for a key that does not exist). */
        VERSION,
        /** The create revision (0 for a key that does not exist). */
        CREATE,
        /** The mod revision (0 for a key that does not exist). */
        MOD,
        /** The lease id (0 for none). */
        LEASE
    }

    /** How it is compared. */
    public enum Result {
        /** Equal to the operand. */
        EQUAL,
        /** Not equal to the operand. */
        NOT_EQUAL,
        /** Greater than the operand. */
        GREATER,
        /** Less than the operand. */
        LESS
    }

    private final byte[] key;

    private final KeyRange range;

    private final Target target;

    private final Result result;

    private final long number;

    private final byte[] value;

    private Compare(byte[] key, KeyRange range, Target target, Result result, long number, byte[] value) {
        this.key = key;
        this.range = range;
        this.target = target;
        this.result = result;
        this.number = number;
        this.value = value;
    }

    /**
     * Compares a key's value.
     *
     * @param key the key, as UTF-8
     * @return what is compared; then say how
     */
    public static Subject value(String key) {
        return new Subject(KvBytes.key(KvBytes.utf8(key, "key"), "key"), Target.VALUE);
    }

    /**
     * Compares a key's value.
     *
     * @param key the key
     * @return what is compared; then say how
     */
    public static Subject value(byte[] key) {
        return new Subject(KvBytes.key(key, "key"), Target.VALUE);
    }

    /**
     * Compares a key's version.
     *
     * @param key the key, as UTF-8
     * @return what is compared
     */
    public static Subject version(String key) {
        return new Subject(KvBytes.key(KvBytes.utf8(key, "key"), "key"), Target.VERSION);
    }

    /**
     * Compares a key's version.
     *
     * @param key the key
     * @return what is compared
     */
    public static Subject version(byte[] key) {
        return new Subject(KvBytes.key(key, "key"), Target.VERSION);
    }

    /**
     * Compares a key's create revision ({@code isEqualTo(0)}: the key does not exist).
     *
     * @param key the key, as UTF-8
     * @return what is compared
     */
    public static Subject createRevision(String key) {
        return new Subject(KvBytes.key(KvBytes.utf8(key, "key"), "key"), Target.CREATE);
    }

    /**
     * Compares a key's create revision.
     *
     * @param key the key
     * @return what is compared
     */
    public static Subject createRevision(byte[] key) {
        return new Subject(KvBytes.key(key, "key"), Target.CREATE);
    }

    /**
     * Compares a key's mod revision (compare-and-swap on the revision read).
     *
     * @param key the key, as UTF-8
     * @return what is compared
     */
    public static Subject modRevision(String key) {
        return new Subject(KvBytes.key(KvBytes.utf8(key, "key"), "key"), Target.MOD);
    }

    /**
     * Compares a key's mod revision.
     *
     * @param key the key
     * @return what is compared
     */
    public static Subject modRevision(byte[] key) {
        return new Subject(KvBytes.key(key, "key"), Target.MOD);
    }

    /**
     * Compares the lease a key is attached to.
     *
     * @param key the key, as UTF-8
     * @return what is compared
     */
    public static Subject lease(String key) {
        return new Subject(KvBytes.key(KvBytes.utf8(key, "key"), "key"), Target.LEASE);
    }

    /**
     * Compares the lease a key is attached to.
     *
     * @param key the key
     * @return what is compared
     */
    public static Subject lease(byte[] key) {
        return new Subject(KvBytes.key(key, "key"), Target.LEASE);
    }

    /**
     * The key compared.
     *
     * @return a copy of the key
     */
    public byte[] key() {
        return this.key.clone();
    }

    /**
     * The keys compared, from {@link #key()}.
     *
     * @return the range
     */
    public KeyRange range() {
        return this.range;
    }

    /**
     * What is compared.
     *
     * @return the target
     */
    public Target target() {
        return this.target;
    }

    /**
     * How it is compared.
     *
     * @return the result that makes the comparison hold
     */
    public Result result() {
        return this.result;
    }

    /**
     * The operand of a version, revision or lease comparison.
     *
     * @return the number; 0 for a value comparison
     */
    public long number() {
        return this.number;
    }

    /**
     * The operand of a value comparison.
     *
     * @return a copy of the value; {@code null} for other targets
     */
    public byte[] value() {
        return (this.value != null) ? this.value.clone() : null;
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof Compare that) && Arrays.equals(this.key, that.key) && this.range.equals(that.range)
                && this.target == that.target && this.result == that.result && this.number == that.number
                && Arrays.equals(this.value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(this.key) * 31 + this.target.hashCode();
    }

    @Override
    public String toString() {
        String operand = (this.target == Target.VALUE) ? this.value.length + " bytes" : Long.toString(this.number);
        return "Compare[" + this.target + " of " + KvBytes.display(this.key)
                + (this.range.isSingle() ? "" : " (" + this.range + ")") + " " + this.result + " " + operand + "]";
    }

    /**
     * What a comparison is about, waiting for how it compares.
     */
    public static final class Subject {

        private final byte[] key;

        private final Target target;

        private final KeyRange range;

        private Subject(byte[] key, Target target) {
            this(key, target, KeyRange.single());
        }

        private Subject(byte[] key, Target target, KeyRange range) {
            this.key = key;
            this.target = target;
            this.range = range;
        }

        /**
         * Compares every key of a range instead of the key alone.
         *
         * @param range the range; must not be {@code null}
         * @return the subject over the range
         */
        public Subject over(KeyRange range) {
            return new Subject(this.key, this.target, KvChecks.notNull(range, "range"));
        }

        /**
         * Holds when equal to a number (version, revision, lease).
         *
         * @param number the operand
         * @return the comparison
         */
        public Compare isEqualTo(long number) {
            return numeric(Result.EQUAL, number);
        }

        /**
         * Holds when not equal to a number.
         *
         * @param number the operand
         * @return the comparison
         */
        public Compare isNotEqualTo(long number) {
            return numeric(Result.NOT_EQUAL, number);
        }

        /**
         * Holds when greater than a number.
         *
         * @param number the operand
         * @return the comparison
         */
        public Compare isGreaterThan(long number) {
            return numeric(Result.GREATER, number);
        }

        /**
         * Holds when less than a number.
         *
         * @param number the operand
         * @return the comparison
         */
        public Compare isLessThan(long number) {
            return numeric(Result.LESS, number);
        }

        /**
         * Holds when the value equals these bytes.
         *
         * @param value the operand
         * @return the comparison
         */
        public Compare isEqualTo(byte[] value) {
            return bytes(Result.EQUAL, KvBytes.value(value, "value to compare"));
        }

        /**
         * Holds when the value equals this text's UTF-8 bytes.
         *
         * @param value the operand
         * @return the comparison
         */
        public Compare isEqualTo(String value) {
            return bytes(Result.EQUAL, KvBytes.utf8(value, "value to compare"));
        }

        /**
         * Holds when the value differs from these bytes.
         *
         * @param value the operand
         * @return the comparison
         */
        public Compare isNotEqualTo(byte[] value) {
            return bytes(Result.NOT_EQUAL, KvBytes.value(value, "value to compare"));
        }

        /**
         * Holds when the value differs from this text's UTF-8 bytes.
         *
         * @param value the operand
         * @return the comparison
         */
        public Compare isNotEqualTo(String value) {
            return bytes(Result.NOT_EQUAL, KvBytes.utf8(value, "value to compare"));
        }

        /**
         * Holds when the value sorts after these bytes.
         *
         * @param value the operand
         * @return the comparison
         */
        public Compare isGreaterThan(byte[] value) {
            return bytes(Result.GREATER, KvBytes.value(value, "value to compare"));
        }

        /**
         * Holds when the value sorts before these bytes.
         *
         * @param value the operand
         * @return the comparison
         */
        public Compare isLessThan(byte[] value) {
            return bytes(Result.LESS, KvBytes.value(value, "value to compare"));
        }

        private Compare numeric(Result result, long number) {
            if (this.target == Target.VALUE) {
                throw new IllegalArgumentException("a value comparison of " + KvBytes.display(this.key)
                        + " takes a value (String or byte[]), not the number " + number);
            }
            return new Compare(this.key, this.range, this.target, result, number, null);
        }

        private Compare bytes(Result result, byte[] value) {
            if (this.target != Target.VALUE) {
                throw new IllegalArgumentException("a " + this.target + " comparison of " + KvBytes.display(this.key)
                        + " takes a number, not a value");
            }
            return new Compare(this.key, this.range, this.target, result, 0, value);
        }
    }
}
