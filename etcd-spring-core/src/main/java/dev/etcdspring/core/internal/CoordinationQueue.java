// One job: the few operations a lock or an election needs of one API: join the queue of a name, find the one
// before, await a key's deletion, read the head, watch the queue, proclaim, fence, leave.
package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.function.Consumer;

import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.kv.EtcdTxn;

/**
 * The queue of contenders for one name, on one of etcd's APIs: v3 keys {@code name/<lease in hex>} attached to a
 * lease each, or v2 in-order keys with a time to live below the directory {@code name}. The contender whose key
 * was created first is at the head (holds the lock, leads the election).
 */
public interface CoordinationQueue {

    /**
     * Where a contender stands, read linearizably.
     *
     * @param present whether its key still exists
     * @param predecessor the key created just before its own, or {@code null} when it is at the head
     * @param revision the revision (v3) or index (v2) the read saw, to watch from the one after
     */
    record Position(boolean present, String predecessor, long revision) {
    }

    /**
     * The contender at the head of a queue, or none.
     *
     * @param key its key; {@code null} when the queue is empty
     * @param token its key's create revision (v3) or created index (v2)
     * @param value its key's value
     * @param revision the revision (v3) or index (v2) of the read
     */
    record Head(String key, long token, String value, long revision) {

        /**
         * Whether the queue was empty.
         *
         * @return whether there is no head
         */
        public boolean isEmpty() {
            return this.key == null;
        }
    }

    /**
     * The API's name, for messages.
     *
     * @return "v2" or "v3"
     */
    String api();

    /**
     * Checks a name as this API takes it.
     *
     * @param name the lock's or election's name
     * @param what "lock" or "election", for the message
     * @return the name as the queue uses it
     * @throws IllegalArgumentException for a name the API cannot take
     */
    String checkName(String name, String what);

    /**
     * Joins the queue: creates this contender's key and starts keeping it alive.
     *
     * @param name the checked name
     * @param value what the key holds
     * @param ttl the time to live
     * @param timeout the request timeout, or {@code null}
     * @return the entry, kept alive
     */
    QueueEntry join(String name, String value, Duration ttl, Duration timeout);

    /**
     * Where an entry stands now.
     *
     * @param entry the entry
     * @param timeout the request timeout, or {@code null}
     * @return the position
     */
    Position position(QueueEntry entry, Duration timeout);

    /**
     * Runs {@code onGone} once when a key is deleted or expires after a revision (at once, if the watch finds it
     * already gone).
     *
     * @param key the key
     * @param fromRevision the first revision (v3) or index (v2) to look at
     * @param onGone told once, on the watch's thread
     * @return the watch; close it when no longer interested
     */
    EtcdWatch awaitDeletion(String key, long fromRevision, Runnable onGone);

    /**
     * The head of a queue (linearizable).
     *
     * @param name the checked name
     * @param timeout the request timeout, or {@code null}
     * @return the head; {@link Head#isEmpty() empty} when the queue is
     */
    Head head(String name, Duration timeout);

    /**
     * Watches every change of a queue's keys after a revision.
     *
     * @param name the checked name
     * @param fromRevision the first revision (v3) or index (v2) to look at
     * @param onChange told after each change (and after a resync), on the watch's thread
     * @param onError told of the watch's failures, or {@code null}
     * @return the watch
     */
    EtcdWatch watch(String name, long fromRevision, Runnable onChange, Consumer<Throwable> onError);

    /**
     * Writes a new value to an entry's key, only while it exists as this entry's.
     *
     * @param entry the entry
     * @param value the new value
     * @param timeout the request timeout, or {@code null}
     * @return whether it was written
     */
    boolean update(QueueEntry entry, String value, Duration timeout);

    /**
     * A transaction that applies only while the entry's key exists with its token as create revision.
     *
     * @param entry the entry
     * @return the transaction
     * @throws UnsupportedOperationException on v2
     */
    EtcdTxn fencedTxn(QueueEntry entry);

    /**
     * Leaves the queue: stops keeping the entry alive and deletes its key. Never throws: a failure is logged, and
     * the key then expires after its time to live.
     *
     * @param entry the entry
     */
    void leave(QueueEntry entry);
}
