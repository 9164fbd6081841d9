package dev.etcdspring.core.internal;

import java.time.Duration;

import dev.etcdspring.core.EtcdResponse;

/**
 * The requests of one watch of the directory API, as a protocol makes them: see
 * {@link EtcdProtocol#watchRequests(String, boolean)}.
 */
@FunctionalInterface
public interface DirectoryWatchRequests {

    /**
     * One poll or stream from an index: delivers the changes with an index at or after {@code fromIndex} to
     * {@code sink} in order, and returns when it ends normally.
     *
     * @param fromIndex the first index to deliver; positive
     * @param sink where the changes go
     * @param timeout how long one poll or stream may last before it is asked again
     * @throws dev.etcdspring.core.EtcdException with {@link dev.etcdspring.core.EtcdException#EVENT_INDEX_CLEARED}
     *         when the server no longer holds the changes from {@code fromIndex}, or for any other failure
     * @throws PollTimeout when the poll or stream outlived {@code timeout}
     */
    void watch(long fromIndex, WatchSink<EtcdResponse> sink, Duration timeout);
}
