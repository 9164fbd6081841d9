// One job: what a delete answered: how many keys went, which, and the revision.
package dev.etcdspring.core.kv;

import java.util.List;

/**
 * The result of a delete.
 *
 * @param deleted how many keys were deleted
 * @param prevKvs the deleted keys with their values, when {@link DeleteOptions#prevKv(boolean)} asked for them
 * @param revision the revision of the delete (the revision of the keyspace when nothing was deleted)
 */
public record DeleteResult(long deleted, List<KeyValue> prevKvs, long revision) implements OpResult {

    /**
     * Copies the list.
     *
     * @param deleted how many
     * @param prevKvs the deleted keys
     * @param revision the revision
     */
    public DeleteResult {
        prevKvs = List.copyOf(prevKvs);
    }
}
