// One job: EtcdLock over a held queue entry.
package dev.etcdspring.core.internal;

import java.time.Duration;

import dev.etcdspring.core.kv.EtcdTxn;
import dev.etcdspring.core.lock.EtcdLock;
import dev.etcdspring.core.lock.EtcdLockListener;

/**
 * A held lock: the queue's head, as {@link HeldEntry} keeps it.
 */
final class QueuedLock implements EtcdLock {

    private final String name;

    private final CoordinationQueue queue;

    private final HeldEntry held;

    QueuedLock(String name, CoordinationQueue queue, HeldEntry held) {
        this.name = name;
        this.queue = queue;
        this.held = held;
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public String key() {
        return this.held.entry().key();
    }

    @Override
    public long fencingToken() {
        return this.held.entry().token();
    }

    @Override
    public boolean isHeld() {
        return this.held.isHeld();
    }

    @Override
    public Duration remaining() {
        return this.held.remaining();
    }

    @Override
    public void addListener(EtcdLockListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        this.held.addListener((reason, cause) -> listener.lockLost(this, reason, cause));
    }

    @Override
    public EtcdTxn fencedTxn() {
        return this.queue.fencedTxn(this.held.entry());
    }

    @Override
    public void release() {
        this.held.release();
    }

    @Override
    public String toString() {
        return "EtcdLock[" + this.name + ": " + this.held + "]";
    }
}
