package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdSwapExhaustedException;

/**
 * The turns of the swaps of one key in one {@link SwapEngine}: one swaps while the others wait, and hands the next
 * the node it wrote. A lane exists while a swap runs or waits in it; its count of swaps changes only inside the
 * engine's map's compute functions.
 */
final class SwapLane {

    /** Fair, so that every waiting swap gets its turn within its time bound. */
    private final ReentrantLock lock = new ReentrantLock(true);

    /** The node the previous swap wrote, for the next; only read or written by the lock's holder. */
    private EtcdNode handOver;

    private int swaps;

    SwapLane join() {
        this.swaps++;
        return this;
    }

    /** Whether the lane is now unused. */
    boolean leave() {
        return --this.swaps == 0;
    }

    boolean isWaitedFor() {
        return this.lock.hasQueuedThreads();
    }

    /** The node the previous swap left for this one, or {@code null}; taking it leaves none. */
    EtcdNode takeHandOver() {
        EtcdNode node = this.handOver;
        this.handOver = null;
        return node;
    }

    void handOver(EtcdNode node) {
        this.handOver = node;
    }

    /** Waits for this swap's turn, until the deadline. */
    void enter(String key, long deadline, Duration timeout) {
        try {
            if (!this.lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new EtcdSwapExhaustedException("swap of '" + key + "' gave up after waiting " + timeout
                        + " for the other swaps of the same key in this template to finish; the key was not "
                        + "changed by it", EtcdException.Details.forKey(key).build(), 0, null);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new EtcdException("swap of '" + key + "' was interrupted; the key was not changed by it",
                    EtcdException.Details.forKey(key).build(), ex);
        }
    }

    /** Ends this swap's turn. */
    void exit() {
        this.lock.unlock();
    }
}
