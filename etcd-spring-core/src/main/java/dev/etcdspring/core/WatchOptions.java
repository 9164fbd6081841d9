package dev.etcdspring.core;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Options of a watch: immutable, each method returns a new instance, so they compose:
 * {@code WatchOptions.defaults().recursive(true).fromIndex(i)}.
 *
 * <p>The defaults watch one key, from the moment the watch is created, with errors only logged.
 */
public final class WatchOptions {

    private static final WatchOptions DEFAULTS = new WatchOptions(false, 0, null);

    private final boolean recursive;

    private final long fromIndex;

    private final Consumer<Throwable> errorHandler;

    private WatchOptions(boolean recursive, long fromIndex, Consumer<Throwable> errorHandler) {
        this.recursive = recursive;
        this.fromIndex = fromIndex;
        this.errorHandler = errorHandler;
    }

    /**
     * The default options: one key, from now, errors logged.
     *
     * @return the default options
     */
    public static WatchOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Whether to watch everything below the key too (on v2 a directory's subtree; on v3 every key under the
     * {@code key + "/"} prefix).
     *
     * @param recursive whether the subtree is watched
     * @return new options
     */
    public WatchOptions recursive(boolean recursive) {
        return new WatchOptions(recursive, this.fromIndex, this.errorHandler);
    }

    /**
     * Where the watch starts: every change with an index at or after {@code fromIndex} is delivered, including
     * changes made before the watch was created, as far as the server still holds them (else the watch starts
     * with a {@code resync}, see {@link EtcdOperations#watch}).
     *
     * @param fromIndex the first index to deliver; positive (an {@link EtcdResponse#etcdIndex()} or
     *        {@link EtcdNode#modifiedIndex()} plus one, usually)
     * @return new options
     * @throws IllegalArgumentException if {@code fromIndex} is not positive
     */
    public WatchOptions fromIndex(long fromIndex) {
        if (fromIndex < 1) {
            throw new IllegalArgumentException("fromIndex must be positive, got " + fromIndex);
        }
        return new WatchOptions(this.recursive, fromIndex, this.errorHandler);
    }

    /**
     * Where the watch reports its troubles, on its own thread: the first failure of each outage (the watch keeps
     * retrying and says nothing more until it is through), and every exception its listener throws.
     *
     * @param errorHandler receives the failures; must not be {@code null}
     * @return new options
     */
    public WatchOptions onError(Consumer<Throwable> errorHandler) {
        return new WatchOptions(this.recursive, this.fromIndex, OptionChecks.notNull(errorHandler, "errorHandler"));
    }

    /**
     * Whether the subtree is watched.
     *
     * @return whether the watch is recursive
     */
    public boolean isRecursive() {
        return this.recursive;
    }

    /**
     * Where the watch starts.
     *
     * @return the first index to deliver, or 0 for "after the current state"
     */
    public long getFromIndex() {
        return this.fromIndex;
    }

    /**
     * Where failures are reported.
     *
     * @return the error handler, or {@code null} for logging only
     */
    public Consumer<Throwable> getErrorHandler() {
        return this.errorHandler;
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof WatchOptions that) && this.recursive == that.recursive
                && this.fromIndex == that.fromIndex && Objects.equals(this.errorHandler, that.errorHandler);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.recursive, this.fromIndex, this.errorHandler);
    }

    @Override
    public String toString() {
        return "WatchOptions[recursive=" + this.recursive + ", fromIndex=" + this.fromIndex + "]";
    }
}
