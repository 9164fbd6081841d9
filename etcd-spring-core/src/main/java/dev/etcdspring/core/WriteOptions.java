package dev.etcdspring.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a write: a time to live and preconditions. Immutable, each method returns a new instance, so
 * they compose: {@code WriteOptions.defaults().ttl(Duration.ofSeconds(30)).prevExist(false)}.
 *
 * <p>A write with preconditions fails with an {@link EtcdException} when they do not hold:
 * {@link EtcdCompareFailedException} for {@code prevValue} or {@code prevIndex},
 * {@link EtcdNodeExistsException} for {@code prevExist(false)}, {@link EtcdKeyNotFoundException} for
 * {@code prevExist(true)}, {@code prevValue} or {@code prevIndex} on a missing key.
 */
public final class WriteOptions {

    private static final WriteOptions DEFAULTS = new WriteOptions(null, null, null, null, null);

    private final Duration ttl;

    private final Boolean prevExist;

    private final String prevValue;

    private final Long prevIndex;

    private final Duration timeout;

    private WriteOptions(Duration ttl, Boolean prevExist, String prevValue, Long prevIndex, Duration timeout) {
        if (Boolean.FALSE.equals(prevExist) && (prevValue != null || prevIndex != null)) {
            throw new IllegalArgumentException(
                    "prevExist(false) contradicts prevValue and prevIndex: a key that must not exist has no value or index to compare");
        }
        this.ttl = ttl;
        this.prevExist = prevExist;
        this.prevValue = prevValue;
        this.prevIndex = prevIndex;
        this.timeout = timeout;
    }

    /**
     * The default options: no time to live, no preconditions, the template's timeout.
     *
     * @return the default options
     */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A time to live: etcd removes the key once it has passed. etcd counts whole seconds, so the duration
     * must be a whole, positive number of seconds (rather than one silently rounded).
     *
     * @param ttl the time to live; must not be {@code null}
     * @return new options
     * @throws IllegalArgumentException if {@code ttl} is {@code null}, below one second, or not whole seconds
     */
    public WriteOptions ttl(Duration ttl) {
        OptionChecks.notNull(ttl, "ttl");
        if (ttl.getSeconds() < 1 || ttl.getNano() != 0) {
            throw new IllegalArgumentException("ttl must be a whole number of seconds, at least 1, got " + ttl);
        }
        return new WriteOptions(ttl, this.prevExist, this.prevValue, this.prevIndex, this.timeout);
    }

    /**
     * A precondition on existence: {@code false} writes only if the key does not exist (create),
     * {@code true} only if it does (update).
     *
     * @param prevExist whether the key must exist
     * @return new options
     * @throws IllegalArgumentException if {@code false} is combined with {@code prevValue} or {@code prevIndex}
     */
    public WriteOptions prevExist(boolean prevExist) {
        return new WriteOptions(this.ttl, prevExist, this.prevValue, this.prevIndex, this.timeout);
    }

    /**
     * A precondition on the current value: the write happens only if the key's value equals it.
     *
     * @param prevValue the value the key must have; must not be {@code null}, may be empty
     * @return new options
     * @throws IllegalArgumentException if {@code prevValue} is {@code null}, or combined with
     *         {@code prevExist(false)}
     */
    public WriteOptions prevValue(String prevValue) {
        OptionChecks.notNull(prevValue, "prevValue");
        return new WriteOptions(this.ttl, this.prevExist, prevValue, this.prevIndex, this.timeout);
    }

    /**
     * A precondition on the current modified index: the write happens only if the key was last modified at
     * this index ({@link EtcdNode#modifiedIndex()}).
     *
     * @param prevIndex the modified index the key must have; positive
     * @return new options
     * @throws IllegalArgumentException if {@code prevIndex} is not positive (etcd reads 0 as "no condition"),
     *         or combined with {@code prevExist(false)}
     */
    public WriteOptions prevIndex(long prevIndex) {
        if (prevIndex < 1) {
            throw new IllegalArgumentException("prevIndex must be positive, got " + prevIndex);
        }
        return new WriteOptions(this.ttl, this.prevExist, this.prevValue, prevIndex, this.timeout);
    }

    /**
     * How long to wait for the server's answer, overriding the template's default timeout.
     *
     * @param timeout a positive duration; must not be {@code null}
     * @return new options
     * @throws IllegalArgumentException if {@code timeout} is {@code null}, zero or negative
     */
    public WriteOptions timeout(Duration timeout) {
        return new WriteOptions(this.ttl, this.prevExist, this.prevValue, this.prevIndex,
                OptionChecks.positive(timeout, "timeout"));
    }

    /**
     * The time to live.
     *
     * @return the time to live, or {@code null} for none
     */
    public Duration getTtl() {
        return this.ttl;
    }

    /**
     * The precondition on existence.
     *
     * @return whether the key must exist, or {@code null} for no condition
     */
    public Boolean getPrevExist() {
        return this.prevExist;
    }

    /**
     * The precondition on the current value.
     *
     * @return the value the key must have, or {@code null} for no condition
     */
    public String getPrevValue() {
        return this.prevValue;
    }

    /**
     * The precondition on the current modified index.
     *
     * @return the index the key must have, or {@code null} for no condition
     */
    public Long getPrevIndex() {
        return this.prevIndex;
    }

    /**
     * The timeout of this write.
     *
     * @return the timeout, or {@code null} for the template's default
     */
    public Duration getTimeout() {
        return this.timeout;
    }

    /**
     * Whether the write has a precondition on the current value or index.
     *
     * @return whether {@code prevValue} or {@code prevIndex} is set
     */
    public boolean isCompare() {
        return this.prevValue != null || this.prevIndex != null;
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof WriteOptions that) && Objects.equals(this.ttl, that.ttl)
                && Objects.equals(this.prevExist, that.prevExist) && Objects.equals(this.prevValue, that.prevValue)
                && Objects.equals(this.prevIndex, that.prevIndex) && Objects.equals(this.timeout, that.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.ttl, this.prevExist, this.prevValue, this.prevIndex, this.timeout);
    }

    @Override
    public String toString() {
        return "WriteOptions[ttl=" + this.ttl + ", prevExist=" + this.prevExist + ", prevValue="
                + ((this.prevValue != null) ? "(set)" : null) + ", prevIndex=" + this.prevIndex + ", timeout="
                + this.timeout + "]";
    }
}
