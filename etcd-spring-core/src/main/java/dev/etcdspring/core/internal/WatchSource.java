// One job: what a watch loop watches, in the terms the loop needs: where to start, one request from an index,
// the state to resync to when the history is gone, and the index and delivery of each change.
package dev.etcdspring.core.internal;

import java.time.Duration;

/**
 * The thing a {@link WatchLoop} watches: a key or subtree of the directory API, or a range of the v3 keyspace.
 * The loop keeps the index to resume from, backs off and resyncs; the source knows the requests.
 *
 * @param <E> the type of the changes the listener gets
 */
public interface WatchSource<E> {

    /**
     * What is watched, for thread names and messages: the key, or the range.
     *
     * @return a short name
     */
    String name();

    /**
     * Reads, linearizably, the index to watch from to see every change after this moment.
     *
     * @return the next index
     */
    long position();

    /**
     * One watch request from an index: delivers the changes at or after {@code fromIndex} to {@code sink}, in
     * order, and returns when the poll or stream ends normally.
     *
     * @param fromIndex the first index to deliver; positive
     * @param sink where the changes go
     * @param timeout how long one poll or stream may last before it is asked again
     * @throws dev.etcdspring.core.EtcdException with {@link dev.etcdspring.core.EtcdException#EVENT_INDEX_CLEARED}
     *         when the server no longer holds the changes from {@code fromIndex}
     * @throws PollTimeout when the poll or stream outlived {@code timeout}
     */
    void watch(long fromIndex, WatchSink<E> sink, Duration timeout);

    /**
     * Reads the current state after the history from an index was lost.
     *
     * @return the state as one change for the listener, and the index it was read at
     */
    Resync<E> resync();

    /**
     * The index of a change.
     *
     * @param event the change
     * @return its index (the modification's revision)
     */
    long index(E event);

    /**
     * The change as the listener gets it.
     *
     * @param event the change, as the request read it
     * @return what to deliver, or {@code null} to leave the change out (its index still counts)
     */
    E deliverable(E event);

    /**
     * What the listener gets for a progress notification.
     *
     * @param index every change before {@code index + 1} has been delivered
     * @return the change to deliver, or {@code null} for none
     */
    E progress(long index);

    /**
     * The state a watch resyncs to.
     *
     * @param event the state, for the listener
     * @param index the index it was read at: the watch continues after it
     * @param <E> the type of the changes
     */
    record Resync<E>(E event, long index) {
    }
}
