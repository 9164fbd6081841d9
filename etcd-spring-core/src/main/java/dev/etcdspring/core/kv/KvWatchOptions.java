// One job: the options of a watch of the v3 keyspace: which keys, from which revision, and what each event carries.
package dev.etcdspring.core.kv;

import java.util.function.Consumer;

/**
 * Options of a {@link EtcdKeyValueOperations#watch watch}, immutable:
 * {@code KvWatchOptions.prefix().fromRevision(r + 1).prevKv(true)}. The defaults watch the key alone from now
 * on, without previous values or progress events.
 */
public final class KvWatchOptions {

    private static final KvWatchOptions DEFAULTS = new KvWatchOptions();

    private KeyRange range = KeyRange.single();

    private long fromRevision;

    private boolean prevKv;

    private boolean progressNotify;

    private Consumer<Throwable> errorHandler;

    private KvWatchOptions() {
    }

    private KvWatchOptions(KvWatchOptions other) {
        this.range = other.range;
        this.fromRevision = other.fromRevision;
        this.prevKv = other.prevKv;
        this.progressNotify = other.progressNotify;
        this.errorHandler = other.errorHandler;
    }

    /**
     * The defaults: the key alone, from now on.
     *
     * @return the default options
     */
    public static KvWatchOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Every key that starts with the key's bytes.
     *
     * @return options for a prefix
     */
    public static KvWatchOptions prefix() {
        return DEFAULTS.range(KeyRange.prefix());
    }

    /**
     * Which keys are watched.
     *
     * @param range the range; must not be {@code null}
     * @return new options
     */
    public KvWatchOptions range(KeyRange range) {
        KvWatchOptions copy = new KvWatchOptions(this);
        copy.range = KvChecks.notNull(range, "range");
        return copy;
    }

    /**
     * The first revision to deliver: every change at or after it (typically the revision of a read, plus one).
     * One older than etcd's last compaction is delivered as a {@link KvWatchEvent.Type#RESYNC}.
     *
     * @param revision a positive revision, or 0 for the changes after the watch is created
     * @return new options
     */
    public KvWatchOptions fromRevision(long revision) {
        KvWatchOptions copy = new KvWatchOptions(this);
        copy.fromRevision = KvChecks.notNegative(revision, "fromRevision");
        return copy;
    }

    /**
     * Whether each event carries the key as it was before the change.
     *
     * @param prevKv whether to deliver previous key-values
     * @return new options
     */
    public KvWatchOptions prevKv(boolean prevKv) {
        KvWatchOptions copy = new KvWatchOptions(this);
        copy.prevKv = prevKv;
        return copy;
    }

    /**
     * Whether the listener also gets {@link KvWatchEvent.Type#PROGRESS} events: etcd's word that every change up
     * to a revision has been delivered, sent while the watched keys are quiet (every 10 minutes by default on the
     * server).
     *
     * @param progressNotify whether to deliver progress events
     * @return new options
     */
    public KvWatchOptions progressNotify(boolean progressNotify) {
        KvWatchOptions copy = new KvWatchOptions(this);
        copy.progressNotify = progressNotify;
        return copy;
    }

    /**
     * Where the watch reports its troubles, on its own thread: the first failure of each outage (the watch keeps
     * retrying) and every exception its listener throws. Without one they are only logged.
     *
     * @param errorHandler receives the failures; must not be {@code null}
     * @return new options
     */
    public KvWatchOptions onError(Consumer<Throwable> errorHandler) {
        KvWatchOptions copy = new KvWatchOptions(this);
        copy.errorHandler = KvChecks.notNull(errorHandler, "errorHandler");
        return copy;
    }

    /**
     * Which keys are watched.
     *
     * @return the range
     */
    public KeyRange getRange() {
        return this.range;
    }

    /**
     * The first revision delivered.
     *
     * @return the revision, or 0 for now
     */
    public long getFromRevision() {
        return this.fromRevision;
    }

    /**
     * Whether events carry the previous key-value.
     *
     * @return whether they do
     */
    public boolean isPrevKv() {
        return this.prevKv;
    }

    /**
     * Whether progress events are delivered.
     *
     * @return whether they are
     */
    public boolean isProgressNotify() {
        return this.progressNotify;
    }

    /**
     * The error handler.
     *
     * @return the handler, or {@code null}
     */
    public Consumer<Throwable> getErrorHandler() {
        return this.errorHandler;
    }

    @Override
    public String toString() {
        return "KvWatchOptions[range=" + this.range + ", fromRevision=" + this.fromRevision + ", prevKv="
                + this.prevKv + ", progressNotify=" + this.progressNotify + "]";
    }
}
