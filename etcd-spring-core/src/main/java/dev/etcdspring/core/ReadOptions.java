package dev.etcdspring.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a read: immutable, each method returns a new instance, so they compose:
 * {@code ReadOptions.defaults().recursive(true).sorted(true).timeout(Duration.ofSeconds(2))}.
 *
 * <p>The defaults read one level, in the server's order, with the template's consistency (linearizable unless
 * the template was built with {@link ReadConsistency#SERIALIZABLE}) and the template's timeout.
 */
public final class ReadOptions {

    private static final ReadOptions DEFAULTS = new ReadOptions(false, false, null, null);

    private final boolean recursive;

    private final boolean sorted;

    /** {@code null} until set: the template's {@link ReadConsistency} applies. */
    private final Boolean quorum;

    private final Duration timeout;

    private ReadOptions(boolean recursive, boolean sorted, Boolean quorum, Duration timeout) {
        this.recursive = recursive;
        this.sorted = sorted;
        this.quorum = quorum;
        this.timeout = timeout;
    }

    /**
     * The default options: not recursive, not sorted, the template's read consistency and timeout.
     *
     * @return the default options
     */
    public static ReadOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Whether to read a directory's whole subtree rather than its direct children only.
     *
     * @param recursive whether to read the whole subtree
     * @return new options
     */
    public ReadOptions recursive(boolean recursive) {
        return new ReadOptions(recursive, this.sorted, this.quorum, this.timeout);
    }

    /**
     * Whether to list a directory's children sorted by key. Without it the v2 API lists them in an order
     * that changes from call to call.
     *
     * @param sorted whether to sort children by key
     * @return new options
     */
    public ReadOptions sorted(boolean sorted) {
        return new ReadOptions(this.recursive, sorted, this.quorum, this.timeout);
    }

    /**
     * Whether the read is linearizable: it goes through the cluster's consensus and sees every write that
     * completed before it. {@code false} answers from the member asked, which is faster but may be stale on a
     * follower ({@code quorum} on v2, a serializable range on v3). Unless set, the template's
     * {@link ReadConsistency} decides (linearizable by default).
     *
     * @param quorum whether the read is linearizable
     * @return new options
     */
    public ReadOptions quorum(boolean quorum) {
        return new ReadOptions(this.recursive, this.sorted, quorum, this.timeout);
    }

    /**
     * How long to wait for the server's answer, overriding the template's default timeout.
     *
     * @param timeout a positive duration; must not be {@code null}
     * @return new options
     * @throws IllegalArgumentException if {@code timeout} is {@code null}, zero or negative
     */
    public ReadOptions timeout(Duration timeout) {
        return new ReadOptions(this.recursive, this.sorted, this.quorum, OptionChecks.positive(timeout, "timeout"));
    }

    /**
     * Whether the whole subtree is read.
     *
     * @return whether the read is recursive
     */
    public boolean isRecursive() {
        return this.recursive;
    }

    /**
     * Whether children are sorted by key.
     *
     * @return whether the read is sorted
     */
    public boolean isSorted() {
        return this.sorted;
    }

    /**
     * Whether the read is linearizable: as set with {@link #quorum(boolean)}, {@code true} when not set (a
     * template built for {@link ReadConsistency#SERIALIZABLE} reads sets it before the read).
     *
     * @return whether the read goes through the quorum
     */
    public boolean isQuorum() {
        return this.quorum == null || this.quorum;
    }

    /**
     * Whether {@link #quorum(boolean)} was set, rather than left to the template's {@link ReadConsistency}.
     *
     * @return whether the consistency of this read is set
     */
    public boolean isQuorumSet() {
        return this.quorum != null;
    }

    /**
     * The timeout of this read.
     *
     * @return the timeout, or {@code null} for the template's default
     */
    public Duration getTimeout() {
        return this.timeout;
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof ReadOptions that) && this.recursive == that.recursive && this.sorted == that.sorted
                && Objects.equals(this.quorum, that.quorum) && Objects.equals(this.timeout, that.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.recursive, this.sorted, this.quorum, this.timeout);
    }

    @Override
    public String toString() {
        return "ReadOptions[recursive=" + this.recursive + ", sorted=" + this.sorted + ", quorum=" + this.quorum
                + ", timeout=" + this.timeout + "]";
    }
}
