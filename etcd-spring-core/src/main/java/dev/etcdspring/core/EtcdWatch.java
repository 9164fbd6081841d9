package dev.etcdspring.core;

/**
 * A running watch, from {@link EtcdOperations#watch}. It runs on a thread of its own until {@link #close()}.
 */
public interface EtcdWatch extends AutoCloseable {

    /**
     * Stops the watch: ends its request and its thread, and returns once both are gone (within about a second).
     * No event is delivered after {@code close()} returns. Closing twice does nothing.
     */
    @Override
    void close();

    /**
     * Whether the watch runs.
     *
     * @return {@code false} once closed
     */
    boolean isOpen();

    /**
     * The index the watch would resume from: every change before it has been delivered (or, before the first
     * read, the starting point).
     *
     * @return the next index to deliver; 0 until the starting point is known
     */
    long nextIndex();
}
