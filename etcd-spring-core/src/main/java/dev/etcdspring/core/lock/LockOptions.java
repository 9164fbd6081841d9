// One job: the options of a lock: its time to live, how long to wait for it, what its key holds, the timeout.
package dev.etcdspring.core.lock;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a lock, immutable: each method returns new options, so they compose:
 * {@code LockOptions.defaults().ttl(Duration.ofSeconds(15)).waitAtMost(Duration.ofSeconds(5))}.
 *
 * <p>The defaults: a time to live of 15 s, waiting without bound, an empty value, the template's request timeout.
 */
public final class LockOptions {

    /** The default time to live. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(15);

    private static final LockOptions DEFAULTS = new LockOptions(DEFAULT_TTL, null, "", null);

    private final Duration ttl;

    private final Duration waitAtMost;

    private final String value;

    private final Duration timeout;

    private LockOptions(Duration ttl, Duration waitAtMost, String value, Duration timeout) {
        this.ttl = ttl;
        this.waitAtMost = waitAtMost;
        this.value = value;
        this.timeout = timeout;
    }

    /**
     * The default options.
     *
     * @return the defaults
     */
    public static LockOptions defaults() {
        return DEFAULTS;
    }

    /**
     * How long the lock outlives its holder's last acknowledged renewal: the time another contender waits for a
     * holder that died, and the time a holder cut off from etcd still holds it by its own clock. The holder renews a
     * third of it after each acknowledged renewal.
     *
     * @param ttl whole seconds (etcd counts in seconds), at least one
     * @return new options
     * @throws IllegalArgumentException for {@code null}, less than a second or a fraction of a second
     */
    public LockOptions ttl(Duration ttl) {
        return new LockOptions(checkTtl(ttl, "ttl"), this.waitAtMost, this.value, this.timeout);
    }

    /**
     * How long {@link EtcdLockOperations#acquire} waits for the lock before it throws
     * {@link EtcdLockTimeoutException}; without it, it waits until the lock is granted or the thread is interrupted.
     *
     * @param waitAtMost zero (one attempt, as {@link EtcdLockOperations#tryAcquire}) or positive
     * @return new options
     */
    public LockOptions waitAtMost(Duration waitAtMost) {
        if (waitAtMost == null || waitAtMost.isNegative()) {
            throw new IllegalArgumentException("waitAtMost must be zero or positive, got " + waitAtMost);
        }
        return new LockOptions(this.ttl, waitAtMost, this.value, this.timeout);
    }

    /**
     * What the holder's key holds, for whoever looks ({@link EtcdLockOperations#holder}, {@code etcdctl get}):
     * who holds the lock, for example.
     *
     * @param value the value; must not be {@code null}
     * @return new options
     */
    public LockOptions value(String value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (use \"\" for none)");
        }
        return new LockOptions(this.ttl, this.waitAtMost, value, this.timeout);
    }

    /**
     * How long each request to etcd may take, instead of the template's timeout.
     *
     * @param timeout a positive duration
     * @return new options
     */
    public LockOptions timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return new LockOptions(this.ttl, this.waitAtMost, this.value, timeout);
    }

    /**
     * Checks a time to live as locks and elections take it.
     *
     * @param ttl the time to live
     * @param name what it is, for the message
     * @return the time to live
     * @throws IllegalArgumentException for {@code null}, less than a second or a fraction of a second
     */
    static Duration checkTtl(Duration ttl, String name) {
        if (ttl == null || ttl.getSeconds() < 1 || ttl.getNano() != 0) {
            throw new IllegalArgumentException(
                    name + " must be a whole number of seconds, at least one (etcd counts in seconds), got " + ttl);
        }
        return ttl;
    }

    /**
     * The time to live.
     *
     * @return the time to live
     */
    public Duration getTtl() {
        return this.ttl;
    }

    /**
     * The bound of the wait.
     *
     * @return the bound, or {@code null} for none
     */
    public Duration getWaitAtMost() {
        return this.waitAtMost;
    }

    /**
     * What the holder's key holds.
     *
     * @return the value
     */
    public String getValue() {
        return this.value;
    }

    /**
     * The request timeout.
     *
     * @return the timeout, or {@code null} for the template's
     */
    public Duration getTimeout() {
        return this.timeout;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LockOptions that && this.ttl.equals(that.ttl)
                && Objects.equals(this.waitAtMost, that.waitAtMost) && this.value.equals(that.value)
                && Objects.equals(this.timeout, that.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.ttl, this.waitAtMost, this.value, this.timeout);
    }

    @Override
    public String toString() {
        return "LockOptions[ttl=" + this.ttl + ", waitAtMost=" + this.waitAtMost + ", value=" + this.value
                + ", timeout=" + this.timeout + "]";
    }
}
