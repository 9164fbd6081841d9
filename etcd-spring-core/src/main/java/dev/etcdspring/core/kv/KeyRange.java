// One job: which keys an operation covers, beside its key: the key alone, every key with it as a prefix, every
// key from it up to an end, or every key from it on.
package dev.etcdspring.core.kv;

import java.util.Arrays;

/**
 * The range of keys a read, a delete, a watch or a comparison covers, given its key. Immutable.
 */
public final class KeyRange {

    private static final KeyRange SINGLE = new KeyRange(Kind.SINGLE, null);

    private static final KeyRange PREFIX = new KeyRange(Kind.PREFIX, null);

    private static final KeyRange FROM_KEY = new KeyRange(Kind.FROM_KEY, null);

    private enum Kind {
        SINGLE, PREFIX, END, FROM_KEY
    }

    private final Kind kind;

    private final byte[] end;

    private KeyRange(Kind kind, byte[] end) {
        this.kind = kind;
        this.end = end;
    }

    /**
     * The key alone.
     *
     * @return the range of one key
     */
    public static KeyRange single() {
        return SINGLE;
    }

    /**
     * Every key that starts with the key's bytes ({@code etcdctl get --prefix}).
     *
     * @return the prefix range
     */
    public static KeyRange prefix() {
        return PREFIX;
    }

    /**
     * Every key from the key (included) to {@code end} (excluded), in byte order.
     *
     * @param end the end; must not be {@code null} or empty
     * @return the range
     */
    public static KeyRange to(byte[] end) {
        return new KeyRange(Kind.END, KvBytes.key(end, "range end"));
    }

    /**
     * Every key from the key (included) to {@code end} (excluded), in byte order.
     *
     * @param end the end, as UTF-8
     * @return the range
     */
    public static KeyRange to(String end) {
        return to(KvBytes.utf8(end, "range end"));
    }

    /**
     * Every key from the key (included) on, to the end of the keyspace ({@code etcdctl get --from-key}).
     *
     * @return the range
     */
    public static KeyRange fromKey() {
        return FROM_KEY;
    }

    /**
     * Whether the range is the key alone.
     *
     * @return whether it covers one key
     */
    public boolean isSingle() {
        return this.kind == Kind.SINGLE;
    }

    /**
     * The end of the range for a key, as etcd's {@code range_end} takes it.
     *
     * @param key the key the range starts at
     * @return the end (excluded); {@code null} for the key alone, {@code {0}} for the end of the keyspace
     */
    public byte[] endFor(byte[] key) {
        return switch (this.kind) {
            case SINGLE -> null;
            case PREFIX -> KvBytes.prefixEnd(key);
            case END -> this.end.clone();
            case FROM_KEY -> new byte[] { 0 };
        };
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof KeyRange that) && this.kind == that.kind && Arrays.equals(this.end, that.end);
    }

    @Override
    public int hashCode() {
        return this.kind.hashCode() * 31 + Arrays.hashCode(this.end);
    }

    @Override
    public String toString() {
        return switch (this.kind) {
            case SINGLE -> "single";
            case PREFIX -> "prefix";
            case END -> "to " + KvBytes.display(this.end);
            case FROM_KEY -> "from key";
        };
    }
}
