package dev.etcdspring.core.internal;

/**
 * Where a linearizable read found the cluster: its store index (v2) or revision (v3), and the cluster's id.
 *
 * @param index the index or revision the read saw
 * @param clusterId the cluster's id as etcd reports it (hex), or {@code null} when it did not
 */
public record ReadPosition(long index, String clusterId) {

    /**
     * The index the next change will have at least, to watch from.
     *
     * @return {@link #index()} plus one
     */
    public long nextIndex() {
        return this.index + 1;
    }
}
