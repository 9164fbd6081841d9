package dev.etcdspring.core.internal;

import java.io.Closeable;

/**
 * Where a watch request delivers what it reads, in order. The watch loop behind it keeps the index to resume from,
 * filters, and calls the listener.
 *
 * @param <E> the type of the changes
 */
public interface WatchSink<E> {

    /**
     * The answer's body is open: closing it ends the request, which is how a watch is closed from another thread.
     *
     * @param body the body being read
     */
    void opened(Closeable body);

    /**
     * One change, in the order of the server's index.
     *
     * @param event the change
     */
    void event(E event);

    /**
     * The server says that every change up to {@code index} has been sent (a v3 progress notification).
     *
     * @param index the index reached
     */
    void progress(long index);
}
