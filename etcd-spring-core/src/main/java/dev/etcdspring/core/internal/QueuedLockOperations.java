// One job: EtcdLockOperations over a coordination queue: the options checked, the wait, the holder.
package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.Optional;

import dev.etcdspring.core.lock.EtcdLock;
import dev.etcdspring.core.lock.EtcdLockOperations;
import dev.etcdspring.core.lock.EtcdLockTimeoutException;
import dev.etcdspring.core.lock.LockHolder;
import dev.etcdspring.core.lock.LockOptions;


/**
 * Locks on either API, as the queue of that API lays them out.
 */
public final class QueuedLockOperations implements EtcdLockOperations {

    private final CoordinationQueue queue;

    /**
     * Creates the operations; the template does.
     *
     * @param queue the queue of the template's API
     */
    public QueuedLockOperations(CoordinationQueue queue) {
        this.queue = queue;
    }

    @Override
    public EtcdLock acquire(String name, LockOptions options) throws InterruptedException {
        String checked = this.queue.checkName(name, "lock");
        LockOptions o = check(options);
        QueueAcquisition.Acquired acquired = QueueAcquisition.acquire(this.queue, checked, o.getValue(), o.getTtl(),
                o.getWaitAtMost(), o.getTimeout());
        if (acquired == null) {
            throw new EtcdLockTimeoutException("the lock '" + name + "' was not granted within " + o.getWaitAtMost()
                    + ": another contender held it, or waited for it first, all that time; nothing is left in etcd",
                    name, o.getWaitAtMost());
        }
        return new QueuedLock(name, this.queue, HeldEntry.hold(this.queue, acquired));
    }

    @Override
    public Optional<EtcdLock> tryAcquire(String name, LockOptions options) {
        String checked = this.queue.checkName(name, "lock");
        LockOptions o = check(options);
        try {
            QueueAcquisition.Acquired acquired = QueueAcquisition.acquire(this.queue, checked, o.getValue(),
                    o.getTtl(), Duration.ZERO, o.getTimeout());
            return (acquired != null) ? Optional.of(new QueuedLock(name, this.queue, HeldEntry.hold(this.queue, acquired)))
                    : Optional.empty();
        }
        catch (InterruptedException ex) {
            // A single look never waits; the latch is not awaited.
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public Optional<LockHolder> holder(String name) {
        CoordinationQueue.Head head = this.queue.head(this.queue.checkName(name, "lock"), null);
        return !head.isEmpty() ? Optional.of(new LockHolder(name, head.key(), head.token(), head.value()))
                : Optional.empty();
    }

    private static LockOptions check(LockOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null (use LockOptions.defaults())");
        }
        return options;
    }
}
