// One job: a held lock: its fencing token, whether it is still held, who hears of its loss, its fenced writes.
package dev.etcdspring.core.lock;

import java.time.Duration;

import dev.etcdspring.core.kv.EtcdTxn;

/**
 * A lock held by this client, from {@link EtcdLockOperations#acquire} or {@link EtcdLockOperations#tryAcquire}. The
 * template renews it on its executor while it is held (a third of its time to live after each acknowledged renewal)
 * and watches its key.
 *
 * <p>{@link #isHeld()} turns {@code false}, and the listeners hear once, as soon as the lock is or may be lost: its
 * key was deleted, etcd said its lease (v3) or time to live (v2) is gone, or no renewal was acknowledged before the
 * safe deadline, the send time of the last acknowledged renewal plus the time to live, by this JVM's monotonic clock.
 * Until that deadline etcd cannot have expired the key, so no other contender can hold the lock before
 * {@code isHeld()} says {@code false} (unless its key is deleted by hand, which the watch reports). A lost lock does
 * not come back: acquire it again.
 *
 * <p>Work that must not outlive the lock writes through {@link #fencedTxn()} (v3), or hands
 * {@link #fencingToken()} to the resource it changes, which refuses tokens older than the newest it has seen.
 *
 * <p>{@link #release()} and {@link #close()} delete this holder's key only; they are idempotent and do not throw for
 * a lock already lost.
 */
public interface EtcdLock extends AutoCloseable {

    /**
     * The lock's name, as given to {@link EtcdLockOperations#acquire}.
     *
     * @return the name
     */
    String name();

    /**
     * This holder's key in etcd: {@code name/<lease id in hex>} on v3, {@code /name/<created index>} on v2.
     *
     * @return the key
     */
    String key();

    /**
     * The fencing token: this holder's key's create revision (v3) or created index (v2), read from the key itself.
     * Every new holder of the lock has a greater one.
     *
     * @return the token
     */
    long fencingToken();

    /**
     * Whether the lock is certainly held: renewed, with its safe deadline ahead, its key not deleted, and not
     * released.
     *
     * @return {@code false} once the lock is, or may be, lost
     */
    boolean isHeld();

    /**
     * How long the lock is certainly held without another acknowledged renewal.
     *
     * @return the time until the safe deadline; zero once the lock is lost or released
     */
    Duration remaining();

    /**
     * Adds a listener told once when the lock is lost; at once if it already is.
     *
     * @param listener the listener; must not be {@code null}
     */
    void addListener(EtcdLockListener listener);

    /**
     * A transaction that applies only while this lock is held: its comparisons include that this holder's key still
     * has the create revision {@link #fencingToken()}, which no other holder's key can have, so a holder that lost
     * the lock, however late its request arrives, cannot change what the transaction guards. Add the transaction's
     * own comparisons and operations, then commit: {@code succeeded()} is {@code false} when the lock was lost (or
     * one of the other comparisons failed).
     *
     * @return a new transaction
     * @throws UnsupportedOperationException on the v2 API, which has no transaction over two keys: pass the
     *     {@link #fencingToken()} to the resource instead
     */
    EtcdTxn fencedTxn();

    /**
     * Releases the lock: stops the renewals and deletes this holder's key (on v3 by revoking its lease), which wakes
     * the next waiter. Idempotent; does not throw for a lock already lost, and logs a failure to reach etcd (the key
     * then expires after its time to live).
     */
    void release();

    /**
     * Releases the lock, as {@link #release()}.
     */
    @Override
    default void close() {
        release();
    }
}
