// One job: the options of a v3 range read (etcdctl get's flags): which keys, at which revision, how consistent,
// how many, in which order, and what of each.
package dev.etcdspring.core.kv;

import java.time.Duration;

/**
 * Options of a range read, immutable: each method returns new options, so they compose:
 * {@code RangeOptions.prefix().limit(100).sortBy(SortTarget.MOD, SortOrder.DESCEND)}.
 *
 * <p>The defaults read the key alone, at the current revision, with the template's read consistency and timeout,
 * keys with their values, in key order.
 */
public final class RangeOptions {

    private static final RangeOptions DEFAULTS = new RangeOptions();

    /** What a range is sorted by. */
    public enum SortTarget {
        /** The key's bytes. */
        KEY,
        /** The version. */
        VERSION,
        /** The create revision. */
        CREATE,
        /** The mod revision. */
        MOD,
        /** The value's bytes. */
        VALUE
    }

    /** The direction of a sort. */
    public enum SortOrder {
        /** No sort: etcd's key order. */
        NONE,
        /** Lowest first. */
        ASCEND,
        /** Highest first. */
        DESCEND
    }

    private KeyRange range = KeyRange.single();

    private long revision;

    private Boolean serializable;

    private boolean keysOnly;

    private boolean countOnly;

    private long limit;

    private long maxCreateRevision;

    private SortTarget sortTarget = SortTarget.KEY;

    private SortOrder sortOrder = SortOrder.NONE;

    private Duration timeout;

    private RangeOptions() {
    }

    private RangeOptions(RangeOptions other) {
        this.range = other.range;
        this.revision = other.revision;
        this.serializable = other.serializable;
        this.keysOnly = other.keysOnly;
        this.countOnly = other.countOnly;
        this.limit = other.limit;
        this.maxCreateRevision = other.maxCreateRevision;
        this.sortTarget = other.sortTarget;
        this.sortOrder = other.sortOrder;
        this.timeout = other.timeout;
    }

    /**
     * The defaults: the key alone.
     *
     * @return the default options
     */
    public static RangeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Every key that starts with the key's bytes.
     *
     * @return options for a prefix
     */
    public static RangeOptions prefix() {
        return DEFAULTS.range(KeyRange.prefix());
    }

    /**
     * Which keys the read covers.
     *
     * @param range the range; must not be {@code null}
     * @return new options
     */
    public RangeOptions range(KeyRange range) {
        RangeOptions copy = new RangeOptions(this);
        copy.range = KvChecks.notNull(range, "range");
        return copy;
    }

    /**
     * Reads the keyspace as it was at a revision ({@code etcdctl get --rev}). A revision older than the last
     * compaction is refused by etcd ({@link dev.etcdspring.core.EtcdException#EVENT_INDEX_CLEARED}).
     *
     * @param revision a positive revision, or 0 for the current one
     * @return new options
     */
    public RangeOptions revision(long revision) {
        RangeOptions copy = new RangeOptions(this);
        copy.revision = KvChecks.notNegative(revision, "revision");
        return copy;
    }

    /**
     * Whether the member asked answers alone ({@code true}: faster, may be stale on a follower) or through the
     * cluster's consensus ({@code false}: linearizable). Unless set, the template's read consistency decides.
     *
     * @param serializable whether the read is serializable
     * @return new options
     */
    public RangeOptions serializable(boolean serializable) {
        RangeOptions copy = new RangeOptions(this);
        copy.serializable = serializable;
        return copy;
    }

    /**
     * Reads the keys and their metadata without their values.
     *
     * @param keysOnly whether to leave the values out
     * @return new options
     */
    public RangeOptions keysOnly(boolean keysOnly) {
        RangeOptions copy = new RangeOptions(this);
        copy.keysOnly = keysOnly;
        return copy;
    }

    /**
     * Counts the keys without reading them: the result has a {@link RangeResult#count() count} and no keys.
     *
     * @param countOnly whether to count only
     * @return new options
     */
    public RangeOptions countOnly(boolean countOnly) {
        RangeOptions copy = new RangeOptions(this);
        copy.countOnly = countOnly;
        return copy;
    }

    /**
     * Reads at most this many keys; {@link RangeResult#more()} says whether there were more. See
     * {@link EtcdKeyValueOperations#scan} to read a prefix of any size, page by page.
     *
     * @param limit a positive limit, or 0 for none
     * @return new options
     */
    public RangeOptions limit(long limit) {
        RangeOptions copy = new RangeOptions(this);
        copy.limit = KvChecks.notNegative(limit, "limit");
        return copy;
    }

    /**
     * Reads only keys created at or before a revision (etcd's {@code max_create_revision}): with
     * {@code sortBy(CREATE, DESCEND)} and {@code limit(1)}, the key of a range created last before a given one, as
     * a lock's waiter finds the one it waits for.
     *
     * @param revision a positive revision, or 0 for no bound
     * @return new options
     */
    public RangeOptions maxCreateRevision(long revision) {
        RangeOptions copy = new RangeOptions(this);
        copy.maxCreateRevision = KvChecks.notNegative(revision, "maxCreateRevision");
        return copy;
    }

    /**
     * Sorts the keys read.
     *
     * @param target what to sort by; must not be {@code null}
     * @param order the direction; must not be {@code null}
     * @return new options
     */
    public RangeOptions sortBy(SortTarget target, SortOrder order) {
        RangeOptions copy = new RangeOptions(this);
        copy.sortTarget = KvChecks.notNull(target, "sort target");
        copy.sortOrder = KvChecks.notNull(order, "sort order");
        return copy;
    }

    /**
     * How long to wait for the answer, instead of the template's timeout.
     *
     * @param timeout a positive duration
     * @return new options
     */
    public RangeOptions timeout(Duration timeout) {
        RangeOptions copy = new RangeOptions(this);
        copy.timeout = KvChecks.positive(timeout, "timeout");
        return copy;
    }

    /**
     * Which keys the read covers.
     *
     * @return the range
     */
    public KeyRange getRange() {
        return this.range;
    }

    /**
     * The revision to read at.
     *
     * @return the revision; 0 for the current one
     */
    public long getRevision() {
        return this.revision;
    }

    /**
     * Whether the read is serializable.
     *
     * @return {@code true} or {@code false}, or {@code null} for the template's read consistency
     */
    public Boolean getSerializable() {
        return this.serializable;
    }

    /**
     * Whether the values are left out.
     *
     * @return whether the read is of keys only
     */
    public boolean isKeysOnly() {
        return this.keysOnly;
    }

    /**
     * Whether the keys are only counted.
     *
     * @return whether the read only counts
     */
    public boolean isCountOnly() {
        return this.countOnly;
    }

    /**
     * The most keys to read.
     *
     * @return the limit; 0 for none
     */
    public long getLimit() {
        return this.limit;
    }

    /**
     * The newest create revision a key read may have.
     *
     * @return the revision; 0 for no bound
     */
    public long getMaxCreateRevision() {
        return this.maxCreateRevision;
    }

    /**
     * What the keys are sorted by.
     *
     * @return the sort target
     */
    public SortTarget getSortTarget() {
        return this.sortTarget;
    }

    /**
     * The direction of the sort.
     *
     * @return the sort order; {@link SortOrder#NONE} for etcd's key order
     */
    public SortOrder getSortOrder() {
        return this.sortOrder;
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
        return "RangeOptions[range=" + this.range + ", revision=" + this.revision + ", serializable="
                + this.serializable + ", keysOnly=" + this.keysOnly + ", countOnly=" + this.countOnly + ", limit="
                + this.limit + ", maxCreateRevision=" + this.maxCreateRevision + ", sort=" + this.sortTarget + " " + this.sortOrder + ", timeout=" + this.timeout + "]";
    }
}
