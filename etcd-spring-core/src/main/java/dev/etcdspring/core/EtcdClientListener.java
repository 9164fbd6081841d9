package dev.etcdspring.core;

/**
 * Told about the events inside a template's operations that no single request shows: how many compare-and-sets
 * a {@code swap} needed, and when a watch had to reconnect or resync. The Spring Boot integration records them as
 * Micrometer meters; add one with {@link EtcdTemplate.Builder#listener(EtcdClientListener)}.
 *
 * <p>Methods are called on the thread of the operation or of the watch, and must return quickly and not throw.
 */
public interface EtcdClientListener {

    /**
     * A {@code swap} finished.
     *
     * @param key the key swapped
     * @param attempts how many compare-and-sets it tried, at least 1
     * @param swapped whether the last one succeeded ({@code false} when the swap gave up or failed)
     */
    default void swapFinished(String key, int attempts, boolean swapped) {
    }

    /**
     * A watch's request failed and the watch will send another after its backoff.
     *
     * @param key the watched key
     * @param cause why the request failed
     */
    default void watchReconnecting(String key, Throwable cause) {
    }

    /**
     * A watch fell behind etcd's history and delivered the current state as one {@code resync} event.
     *
     * @param key the watched key
     * @param index the index of the state delivered
     */
    default void watchResynced(String key, long index) {
    }
}
