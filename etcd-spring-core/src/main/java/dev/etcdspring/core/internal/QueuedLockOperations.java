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

    private final Observations observations;

    /**
     * Creates the operations; the template does.
     *
     * @param queue the queue of the template's API
     * @param observations observes each acquisition ({@code lock-acquire}, its wait included) and each hold
     *     ({@code lock-hold}, from the acquisition to the release or the loss)
     */
    public QueuedLockOperations(CoordinationQueue queue, Observations observations) {
        this.queue = queue;
        this.observations = observations;
    }

    @Override
    public EtcdLock acquire(String name, LockOptions options) throws InterruptedException {
        String checked = this.queue.checkName(name, "lock");
        LockOptions o = check(options);
        return hold(name, Interruption.observe(this.observations, "lock-acquire", name, () -> {
            QueueAcquisition.Acquired acquired = QueueAcquisition.acquire(this.queue, checked, o.getValue(),
                    o.getTtl(), o.getWaitAtMost(), o.getTimeout());
            if (acquired == null) {
                throw timeout(name, o);
            }
            return acquired;
        }));
    }

    private static EtcdLockTimeoutException timeout(String name, LockOptions o) {
        return new EtcdLockTimeoutException("the lock '" + name + "' was not granted within " + o.getWaitAtMost()
                    + ": another contender held it, or waited for it first, all that time; nothing is left in etcd",
                    name, o.getWaitAtMost());
    }

    private EtcdLock hold(String name, QueueAcquisition.Acquired acquired) {
        return new QueuedLock(name, this.queue,
                HeldEntry.hold(this.queue, acquired, name, this.observations.start("lock-hold", name)));
    }

    @Override
    public Optional<EtcdLock> tryAcquire(String name, LockOptions options) {
        String checked = this.queue.checkName(name, "lock");
        LockOptions o = check(options);
        return this.observations.observe("lock-acquire", name, (context) -> {
            QueueAcquisition.Acquired acquired;
            try {
                acquired = QueueAcquisition.acquire(this.queue, checked, o.getValue(), o.getTtl(), Duration.ZERO,
                        o.getTimeout());
            }
            catch (InterruptedException ex) {
                // A single look never waits, so this is not thrown; keep the flag if it is.
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            return (acquired != null) ? Optional.of(hold(name, acquired)) : Optional.empty();
        });
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
