// One job: this candidate's leadership: its term, whether it still leads, proclaiming, resigning.
package dev.etcdspring.core.election;

import java.time.Duration;

import dev.etcdspring.core.kv.EtcdTxn;

/**
 * Leadership won by {@link EtcdElectionOperations#campaign}, kept as an {@link dev.etcdspring.core.lock.EtcdLock}
 * is: renewed by the template, watched, and {@link #isLeader()} {@code false} as soon as it is or may be lost (the
 * key deleted, the lease or time to live gone, or no renewal acknowledged before the safe deadline). Since the next
 * leader's key can only be the first once this one's is gone, and this one's cannot be gone before the safe
 * deadline, two candidates never both see {@code isLeader()} true at once.
 */
public interface EtcdLeadership extends AutoCloseable {

    /**
     * The election's name.
     *
     * @return the name
     */
    String election();

    /**
     * This leader's key.
     *
     * @return the key
     */
    String key();

    /**
     * This leader's term: its key's create revision (v3) or created index (v2), a fencing token.
     *
     * @return the term
     */
    long term();

    /**
     * The value this leader proclaims now.
     *
     * @return the value
     */
    String value();

    /**
     * Whether this candidate certainly leads.
     *
     * @return {@code false} once the leadership is, or may be, lost, or was resigned
     */
    boolean isLeader();

    /**
     * How long this candidate certainly leads without another acknowledged renewal.
     *
     * @return the time until the safe deadline; zero once lost or resigned
     */
    Duration remaining();

    /**
     * Proclaims a new value, written to this leader's key only while it leads (observers see it).
     *
     * @param value the value; must not be {@code null}
     * @return {@code true} when written; {@code false} when this candidate no longer leads (nothing written)
     */
    boolean proclaim(String value);

    /**
     * Adds a listener told once when the leadership is lost; at once if it already is.
     *
     * @param listener the listener; must not be {@code null}
     */
    void addListener(EtcdLeadershipListener listener);

    /**
     * A transaction that applies only while this candidate leads (see
     * {@link dev.etcdspring.core.lock.EtcdLock#fencedTxn()}).
     *
     * @return a new transaction
     * @throws UnsupportedOperationException on the v2 API
     */
    EtcdTxn fencedTxn();

    /**
     * Resigns: stops the renewals and deletes this leader's key, which makes the next candidate leader. Idempotent;
     * does not throw for a leadership already lost.
     */
    void resign();

    /**
     * Resigns, as {@link #resign()}.
     */
    @Override
    default void close() {
        resign();
    }
}
