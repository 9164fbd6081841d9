// One job: one operation of a transaction's branch (jetcd's Op): a range read, a put or a delete.
package dev.etcdspring.core.kv;

/**
 * One operation of a {@link EtcdTxn transaction}'s {@code then} or {@code otherwise} branch, immutable. Its result
 * in {@link TxnResult#responses()} has the matching type.
 */
public sealed interface Op permits Op.Get, Op.Put, Op.Delete {

    /**
     * A range read; its result is a {@link RangeResult}.
     *
     * @param key the key, as UTF-8
     * @return the operation
     */
    static Get get(String key) {
        return get(KvBytes.utf8(key, "key"), RangeOptions.defaults());
    }

    /**
     * A range read; its result is a {@link RangeResult}. The options' timeout and serializability do not apply
     * (the transaction has its own).
     *
     * @param key the key, as UTF-8
     * @param options the options
     * @return the operation
     */
    static Get get(String key, RangeOptions options) {
        return get(KvBytes.utf8(key, "key"), options);
    }

    /**
     * A range read; its result is a {@link RangeResult}.
     *
     * @param key the key
     * @param options the options; the timeout and serializability do not apply
     * @return the operation
     */
    static Get get(byte[] key, RangeOptions options) {
        return new Get(KvBytes.key(key, "key"), KvChecks.notNull(options, "options"));
    }

    /**
     * A put; its result is a {@link PutResult}.
     *
     * @param key the key, as UTF-8
     * @param value the value, as UTF-8
     * @return the operation
     */
    static Put put(String key, String value) {
        return put(KvBytes.utf8(key, "key"), KvBytes.utf8(value, "value"), PutOptions.defaults());
    }

    /**
     * A put; its result is a {@link PutResult}.
     *
     * @param key the key, as UTF-8
     * @param value the value, as UTF-8
     * @param options the options; the timeout does not apply
     * @return the operation
     */
    static Put put(String key, String value, PutOptions options) {
        return put(KvBytes.utf8(key, "key"), KvBytes.utf8(value, "value"), options);
    }

    /**
     * A put; its result is a {@link PutResult}.
     *
     * @param key the key
     * @param value the value
     * @param options the options; the timeout does not apply
     * @return the operation
     */
    static Put put(byte[] key, byte[] value, PutOptions options) {
        return new Put(KvBytes.key(key, "key"), KvBytes.value(value, "value"), KvChecks.notNull(options, "options"));
    }

    /**
     * A delete; its result is a {@link DeleteResult}.
     *
     * @param key the key, as UTF-8
     * @return the operation
     */
    static Delete delete(String key) {
        return delete(KvBytes.utf8(key, "key"), DeleteOptions.defaults());
    }

    /**
     * A delete; its result is a {@link DeleteResult}.
     *
     * @param key the key, as UTF-8
     * @param options the options; the timeout does not apply
     * @return the operation
     */
    static Delete delete(String key, DeleteOptions options) {
        return delete(KvBytes.utf8(key, "key"), options);
    }

    /**
     * A delete; its result is a {@link DeleteResult}.
     *
     * @param key the key
     * @param options the options; the timeout does not apply
     * @return the operation
     */
    static Delete delete(byte[] key, DeleteOptions options) {
        return new Delete(KvBytes.key(key, "key"), KvChecks.notNull(options, "options"));
    }

    /**
     * The key the operation starts at.
     *
     * @return a copy of the key
     */
    byte[] key();

    /**
     * A range read in a transaction.
     */
    final class Get implements Op {

        private final byte[] key;

        private final RangeOptions options;

        private Get(byte[] key, RangeOptions options) {
            this.key = key;
            this.options = options;
        }

        @Override
        public byte[] key() {
            return this.key.clone();
        }

        /**
         * The read's options.
         *
         * @return the options
         */
        public RangeOptions options() {
            return this.options;
        }

        @Override
        public String toString() {
            return "Op.get(" + KvBytes.display(this.key) + ", " + this.options + ")";
        }
    }

    /**
     * A put in a transaction.
     */
    final class Put implements Op {

        private final byte[] key;

        private final byte[] value;

        private final PutOptions options;

        private Put(byte[] key, byte[] value, PutOptions options) {
            this.key = key;
            this.value = value;
            this.options = options;
        }

        @Override
        public byte[] key() {
            return this.key.clone();
        }

        /**
         * The value written.
         *
         * @return a copy of the value
         */
        public byte[] value() {
            return this.value.clone();
        }

        /**
         * The put's options.
         *
         * @return the options
         */
        public PutOptions options() {
            return this.options;
        }

        @Override
        public String toString() {
            return "Op.put(" + KvBytes.display(this.key) + ", " + this.value.length + " bytes, " + this.options + ")";
        }
    }

    /**
     * A delete in a transaction.
     */
    final class Delete implements Op {

        private final byte[] key;

        private final DeleteOptions options;

        private Delete(byte[] key, DeleteOptions options) {
            this.key = key;
            this.options = options;
        }

        @Override
        public byte[] key() {
            return this.key.clone();
        }

        /**
         * The delete's options.
         *
         * @return the options
         */
        public DeleteOptions options() {
            return this.options;
        }

        @Override
        public String toString() {
            return "Op.delete(" + KvBytes.display(this.key) + ", " + this.options + ")";
        }
    }
}
