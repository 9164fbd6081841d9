// One job: the options of a v3 put (etcdctl put's flags): a lease, the previous value, keeping the value or lease.
package dev.etcdspring.core.kv;

import java.time.Duration;

/**
 * Options of a put, immutable: {@code PutOptions.defaults().lease(lease.id()).prevKv(true)}. The defaults attach
 * no lease, return no previous value, and use the template's timeout.
 */
public final class PutOptions {

    private static final PutOptions DEFAULTS = new PutOptions();

    private long lease;

    private boolean prevKv;

    private boolean ignoreValue;

    private boolean ignoreLease;

    private Duration timeout;

    private PutOptions() {
    }

    private PutOptions(PutOptions other) {
        this.lease = other.lease;
        this.prevKv = other.prevKv;
        this.ignoreValue = other.ignoreValue;
        this.ignoreLease = other.ignoreLease;
        this.timeout = other.timeout;
    }

    /**
     * The defaults.
     *
     * @return the default options
     */
    public static PutOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Attaches the key to a lease: the key is deleted when the lease expires or is revoked. A lease etcd does not
     * know fails the put with a not-found error.
     *
     * @param leaseId the lease's id; 0 for none (the key loses the lease it had)
     * @return new options
     */
    public PutOptions lease(long leaseId) {
        PutOptions copy = new PutOptions(this);
        copy.lease = leaseId;
        return copy;
    }

    /**
     * Whether the result carries the key as it was before the put.
     *
     * @param prevKv whether to return the previous key-value
     * @return new options
     */
    public PutOptions prevKv(boolean prevKv) {
        PutOptions copy = new PutOptions(this);
        copy.prevKv = prevKv;
        return copy;
    }

    /**
     * Keeps the key's current value, updating only its lease (the value given to the put must then be empty; etcd
     * refuses the put when the key does not exist).
     *
     * @param ignoreValue whether to keep the value
     * @return new options
     */
    public PutOptions ignoreValue(boolean ignoreValue) {
        PutOptions copy = new PutOptions(this);
        copy.ignoreValue = ignoreValue;
        return copy;
    }

    /**
     * Keeps the key's current lease, updating only its value (no lease may be given; etcd refuses the put when the
     * key does not exist).
     *
     * @param ignoreLease whether to keep the lease
     * @return new options
     */
    public PutOptions ignoreLease(boolean ignoreLease) {
        PutOptions copy = new PutOptions(this);
        copy.ignoreLease = ignoreLease;
        return copy;
    }

    /**
     * How long to wait for the answer, instead of the template's timeout.
     *
     * @param timeout a positive duration
     * @return new options
     */
    public PutOptions timeout(Duration timeout) {
        PutOptions copy = new PutOptions(this);
        copy.timeout = KvChecks.positive(timeout, "timeout");
        return copy;
    }

    /**
     * The lease.
     *
     * @return the lease id; 0 for none
     */
    public long getLease() {
        return this.lease;
    }

    /**
     * Whether the previous key-value is returned.
     *
     * @return whether to return it
     */
    public boolean isPrevKv() {
        return this.prevKv;
    }

    /**
     * Whether the value is kept.
     *
     * @return whether to keep the value
     */
    public boolean isIgnoreValue() {
        return this.ignoreValue;
    }

    /**
     * Whether the lease is kept.
     *
     * @return whether to keep the lease
     */
    public boolean isIgnoreLease() {
        return this.ignoreLease;
    }

    /**
     * The timeout.
     *
     * @return the timeout, or {@code null} for the template's
     */
    public Duration getTimeout() {
        return this.timeout;
    }

    @Override
    public String toString() {
        return "PutOptions[lease=" + this.lease + ", prevKv=" + this.prevKv + ", ignoreValue=" + this.ignoreValue
                + ", ignoreLease=" + this.ignoreLease + ", timeout=" + this.timeout + "]";
    }
}
