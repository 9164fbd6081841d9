package dev.etcdspring.benchmarks;

/**
 * One etcd client under measurement, speaking one of etcd's APIs. Safe to call from several threads at once.
 * Keys start with {@code /}; on v3 they are the raw key bytes, on v2 the path below {@code /v2/keys}.
 */
public interface Client extends AutoCloseable {

    /**
     * Reads one key.
     *
     * @param key the key
     * @param linearizable {@code true} for a linearizable read (v2 {@code quorum=true}, a v3 range), {@code false}
     * for a local one (v2 without quorum, a v3 {@code serializable} range)
     * @return the value, {@code null} when absent
     * @throws Exception on any failure
     */
    String get(String key, boolean linearizable) throws Exception;

    /**
     * Writes one key unconditionally.
     *
     * @param key the key
     * @param value the value
     * @return the key's new modified index (v2) or mod revision (v3)
     * @throws Exception on any failure
     */
    default long set(String key, String value) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " only reads");
    }

    /**
     * Writes one key if its modified index (v2 {@code prevIndex}) or mod revision (v3 transaction) is still
     * {@code index}.
     *
     * @param key the key
     * @param index the index the key must still have
     * @param value the new value
     * @return the key's new modified index or mod revision
     * @throws Exception on any failure, a failed comparison included
     */
    default long compareAndSet(String key, long index, String value) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " only reads");
    }

    @Override
    default void close() throws Exception {
    }
}
