// One job: waiting for the head of a coordination queue: join, watch only the one before, look again when it is
// gone, and leave nothing behind when the wait ends without the head.
package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.lease.EtcdLeaseListener;

/**
 * The acquisition of a lock, or the campaign of an election: the contender joins the queue, then, until its key is
 * the first, awaits the deletion of the key created just before its own (so a holder that leaves wakes one waiter,
 * not all) and looks again. A contender whose own key vanished while it waited (its lease expired, or the safe
 * deadline passed) joins again, at the back, rather than be told it holds what it does not (etcd 3.4's own lock
 * service does that: a phantom lock).
 */
public final class QueueAcquisition {

    private QueueAcquisition() {
    }

    /**
     * What a successful acquisition holds.
     *
     * @param entry the entry at the head of the queue
     * @param revision the revision (v3) or index (v2) at which it was seen there, to watch it from the one after
     */
    public record Acquired(QueueEntry entry, long revision) {
    }

    /**
     * Waits for the head of a queue.
     *
     * @param queue the queue
     * @param name the checked name
     * @param value what the contender's key holds
     * @param ttl the time to live
     * @param waitAtMost the bound of the wait; zero for one look, {@code null} for none
     * @param timeout the request timeout, or {@code null}
     * @return the head, or {@code null} when the wait ran out (nothing left in etcd)
     * @throws InterruptedException when interrupted (nothing left in etcd)
     */
    public static Acquired acquire(CoordinationQueue queue, String name, String value, Duration ttl,
            Duration waitAtMost, Duration timeout) throws InterruptedException {
        long deadline = (waitAtMost != null) ? System.nanoTime() + waitAtMost.toNanos() : 0;
        while (true) {
            if (Thread.interrupted()) {
                // Before the join, not after: an interrupted thread's request is sent but its answer is not read,
                // which would leave a key (v2) or a lease (v3) that nobody keeps or deletes.
                throw new InterruptedException("interrupted before joining the queue of " + name
                        + "; nothing was sent");
            }
            QueueEntry entry = queue.join(name, value, ttl, timeout);
            boolean handedOver = false;
            try {
                Wait wait = new Wait();
                if (await(queue, entry, waitAtMost, deadline, timeout, wait)) {
                    handedOver = true;
                    return new Acquired(entry, wait.revision);
                }
                if (!wait.lost || expired(waitAtMost, deadline)) {
                    return null;
                }
                // Lost while waiting: join again, at the back.
            }
            finally {
                if (!handedOver) {
                    queue.leave(entry);
                }
            }
        }
    }

    /** How a wait ended when it did not reach the head, or the revision at which it did. */
    private static final class Wait {

        private boolean lost;

        private long revision;
    }

    /** Until the entry is the head ({@code true}); {@code false} when the wait ran out or the entry was lost. */
    private static boolean await(CoordinationQueue queue, QueueEntry entry, Duration waitAtMost, long deadline,
            Duration timeout, Wait wait) throws InterruptedException {
        while (true) {
            CoordinationQueue.Position position = queue.position(entry, timeout);
            if (!position.present() || !entry.renewal().isAlive()) {
                wait.lost = true;
                return false;
            }
            if (position.predecessor() == null) {
                // Seen at the head by a linearizable read while kept alive: held from that read on.
                wait.revision = position.revision();
                return true;
            }
            if (waitAtMost != null && waitAtMost.isZero()) {
                return false;
            }
            CountDownLatch woken = new CountDownLatch(1);
            EtcdLeaseListener lost = (lease, reason, cause) -> woken.countDown();
            entry.renewal().addListener(lost);
            EtcdWatch watch = queue.awaitDeletion(position.predecessor(), position.revision() + 1, woken::countDown);
            try {
                // In slices, to notice a watch or renewal the template's close ended without telling anyone.
                while (!woken.await(slice(waitAtMost, deadline), TimeUnit.NANOSECONDS)) {
                    if (waitAtMost != null && deadline - System.nanoTime() <= 0) {
                        return false;
                    }
                    if (!watch.isOpen() || !entry.renewal().isAlive()) {
                        wait.lost = true;
                        return false;
                    }
                }
            }
            finally {
                watch.close();
            }
        }
    }

    /** The next slice of a wait: at most a second, and no later than its deadline. */
    private static long slice(Duration waitAtMost, long deadline) {
        long slice = TimeUnit.SECONDS.toNanos(1);
        return (waitAtMost != null) ? Math.max(0, Math.min(slice, deadline - System.nanoTime())) : slice;
    }

    private static boolean expired(Duration waitAtMost, long deadline) {
        return waitAtMost != null && deadline - System.nanoTime() <= 0;
    }
}
