// One job: one key of the v3 keyspace as etcd holds it: its bytes, its value's bytes and its revisions.
package dev.etcdspring.core.kv;

import java.util.Arrays;

/**
 * A key with its value and metadata, exactly as etcd holds them. Immutable; the byte accessors return copies.
 * The text accessors decode UTF-8 strictly and throw for bytes that are not UTF-8, rather than replace them.
 */
public final class KeyValue {

    private final byte[] key;

    private final byte[] value;

    private final long createRevision;

    private final long modRevision;

    private final long version;

    private final long lease;

    /**
     * Creates a key-value, copying the arrays.
     *
     * @param key the key's bytes
     * @param value the value's bytes; empty for none (keys-only reads, deletes)
     * @param createRevision the revision of the key's creation
     * @param modRevision the revision of its last modification
     * @param version how many times it was written since its creation (1 after the creation)
     * @param lease the id of the lease it is attached to; 0 for none
     */
    public KeyValue(byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease) {
        this.key = key.clone();
        this.value = value.clone();
        this.createRevision = createRevision;
        this.modRevision = modRevision;
        this.version = version;
        this.lease = lease;
    }

    /**
     * The key as text.
     *
     * @return the key, decoded as UTF-8
     * @throws IllegalStateException if the key is not valid UTF-8 (see {@link #keyBytes()})
     */
    public String key() {
        return KvBytes.text(this.key, "key");
    }

    /**
     * The key's bytes.
     *
     * @return a copy of the key
     */
    public byte[] keyBytes() {
        return this.key.clone();
    }

    /**
     * The value as text.
     *
     * @return the value, decoded as UTF-8; {@code ""} for an empty value
     * @throws IllegalStateException if the value is not valid UTF-8 (see {@link #valueBytes()})
     */
    public String value() {
        try {
            return KvBytes.text(this.value, "value");
        }
        catch (IllegalStateException ex) {
            // Not KvBytes' message, which shows the bytes: a value may be a secret (see toString).
            throw new IllegalStateException("the value of " + KvBytes.display(this.key) + " (" + this.value.length
                    + " bytes) is not valid UTF-8; read it with valueBytes()", ex.getCause());
        }
    }

    /**
     * The value's bytes.
     *
     * @return a copy of the value
     */
    public byte[] valueBytes() {
        return this.value.clone();
    }

    /**
     * The revision at which the key was created: it grows with each new creation of the key (a lock's fencing
     * token).
     *
     * @return the create revision
     */
    public long createRevision() {
        return this.createRevision;
    }

    /**
     * The revision of the key's last modification.
     *
     * @return the mod revision
     */
    public long modRevision() {
        return this.modRevision;
    }

    /**
     * How many times the key was written since it was created: 1 after its creation, 0 for a deleted key.
     *
     * @return the version
     */
    public long version() {
        return this.version;
    }

    /**
     * The lease the key is attached to.
     *
     * @return the lease id; 0 for none
     */
    public long lease() {
        return this.lease;
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof KeyValue that) && Arrays.equals(this.key, that.key)
                && Arrays.equals(this.value, that.value) && this.createRevision == that.createRevision
                && this.modRevision == that.modRevision && this.version == that.version && this.lease == that.lease;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(this.key) + Long.hashCode(this.modRevision);
    }

    /** Shows the key and revisions, not the value (which may be a secret). */
    @Override
    public String toString() {
        return "KeyValue[" + KvBytes.display(this.key) + ", create " + this.createRevision + ", mod "
                + this.modRevision + ", version " + this.version + ((this.lease != 0) ? ", lease " + this.lease : "")
                + ", " + this.value.length + " bytes]";
    }
}
