// One job: what a watch of the v3 keyspace delivers: a put, a delete, the whole range after lost history, or
// progress.
package dev.etcdspring.core.kv;

import java.util.List;

/**
 * One delivery of a {@link EtcdKeyValueOperations#watch watch}, in revision order, each once.
 *
 * @param type what happened
 * @param kv the key after a {@link Type#PUT}; for a {@link Type#DELETE}, the key with its mod revision (the
 *        delete's) and no value; {@code null} for the other types
 * @param prevKv the key before the change, when {@link KvWatchOptions#prevKv(boolean)} asked for it and it
 *        existed; {@code null} otherwise
 * @param state for a {@link Type#RESYNC}, every key of the watched range at {@code revision}; empty otherwise
 * @param revision the revision of the change, of the state read, or reached
 */
public record KvWatchEvent(Type type, KeyValue kv, KeyValue prevKv, List<KeyValue> state, long revision) {

    /** What a delivery says. */
    public enum Type {
        /** A key was written. */
        PUT,
        /** A key was deleted (by a delete, or with its lease). */
        DELETE,
        /**
         * etcd compacted the history the watch needed (a watch from an old revision, or one away for long): the
         * changes between are lost, and {@link #state()} is the watched range as it is now. Later events follow
         * it.
         */
        RESYNC,
        /** Every change up to {@link #revision()} has been delivered (see {@link KvWatchOptions#progressNotify}). */
        PROGRESS
    }

    /**
     * Copies the state.
     *
     * @param type the type
     * @param kv the key
     * @param prevKv the previous key
     * @param state the state of a resync
     * @param revision the revision
     */
    public KvWatchEvent {
        state = List.copyOf(state);
    }
}
