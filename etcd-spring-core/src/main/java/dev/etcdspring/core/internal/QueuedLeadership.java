// One job: EtcdLeadership over a held queue entry, with the value it proclaims.
package dev.etcdspring.core.internal;

import java.time.Duration;

import dev.etcdspring.core.election.EtcdLeadership;
import dev.etcdspring.core.election.EtcdLeadershipListener;
import dev.etcdspring.core.kv.EtcdTxn;

/**
 * A won election: the queue's head, as {@link HeldEntry} keeps it.
 */
final class QueuedLeadership implements EtcdLeadership {

    private final String election;

    private final CoordinationQueue queue;

    private final HeldEntry held;

    private volatile String value;

    QueuedLeadership(String election, CoordinationQueue queue, HeldEntry held) {
        this.election = election;
        this.queue = queue;
        this.held = held;
        this.value = held.entry().value();
    }

    @Override
    public String election() {
        return this.election;
    }

    @Override
    public String key() {
        return this.held.entry().key();
    }

    @Override
    public long term() {
        return this.held.entry().token();
    }

    @Override
    public String value() {
        return this.value;
    }

    @Override
    public boolean isLeader() {
        return this.held.isHeld();
    }

    @Override
    public Duration remaining() {
        return this.held.remaining();
    }

    @Override
    public synchronized boolean proclaim(String value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        if (!this.held.isHeld() || !this.queue.update(this.held.entry(), value, null)) {
            return false;
        }
        this.value = value;
        return true;
    }

    @Override
    public void addListener(EtcdLeadershipListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        this.held.addListener((reason, cause) -> listener.leadershipLost(this, reason, cause));
    }

    @Override
    public EtcdTxn fencedTxn() {
        return this.queue.fencedTxn(this.held.entry());
    }

    @Override
    public void resign() {
        this.held.release();
    }

    @Override
    public String toString() {
        return "EtcdLeadership[" + this.election + ": " + this.held + "]";
    }
}
