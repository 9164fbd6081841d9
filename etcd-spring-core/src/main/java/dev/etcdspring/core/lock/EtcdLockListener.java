// One job: the callback of a held lock's loss.
package dev.etcdspring.core.lock;

/**
 * Hears that a held lock is, or may be, lost. Called once, on a background thread of the template, at the moment
 * {@link EtcdLock#isHeld()} turned {@code false}; it must not block for long. It is not called for a lock released
 * by its holder.
 */
@FunctionalInterface
public interface EtcdLockListener {

    /**
     * The lock is lost, or may be.
     *
     * @param lock the lock
     * @param reason why
     * @param cause the last failure of a renewal for {@link LockLoss#DEADLINE_PASSED}; {@code null} otherwise
     */
    void lockLost(EtcdLock lock, LockLoss reason, Throwable cause);
}
