// One job: the lock of one key of an EtcdLockRegistry: reentrant per thread in the JVM, one etcd lock from the
// first lock to the last unlock (a fresh one when a reentrant lock finds it lost), and a loss reported at that unlock.
package dev.etcdspring.integration;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.lock.EtcdLock;
import dev.etcdspring.core.lock.EtcdLockTimeoutException;
import dev.etcdspring.core.lock.LockHolder;
import dev.etcdspring.core.lock.LockLoss;
import dev.etcdspring.core.lock.LockOptions;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.integration.support.locks.DistributedLock;

/**
 * The lock of one key of an {@link EtcdLockRegistry}, from {@link EtcdLockRegistry#obtain(Object)}: a
 * {@link ReentrantLock} among this registry's threads, and, for the thread that holds it, one etcd lock from its
 * first {@code lock()} to its last {@code unlock()} (a fresh one when a reentrant lock finds it lost), renewed by the
 * template meanwhile.
 *
 * <ul>
 * <li>{@link #lock()} waits without bound and is not interruptible (an interrupt while it waits in etcd makes it
 * ask again, at the back of the queue, and is kept for the caller); {@link #lockInterruptibly()} ends on an
 * interrupt with {@link InterruptedException}, and {@link #tryLock(long, TimeUnit)} with
 * {@code false} when the time runs out; either way nothing of the attempt is left in etcd.</li>
 * <li>A reentrant {@code lock()} or {@code tryLock()} checks in etcd that the holding's etcd lock is still held; if
 * it was lost, it acquires a fresh one as a first one would (waiting, or not, as that method does), and a
 * {@code tryLock} that cannot returns {@code false} and leaves the thread's other holds as they were. The JDBC and
 * Redis registries acquire in their store on every {@code tryLock} alike, which Spring Integration's
 * {@code LockRegistryLeaderInitiator} relies on to notice a lost lock at its next heartbeat.</li>
 * <li>A failure to reach etcd while locking is a {@link CannotAcquireLockException}, as in Spring Integration's
 * other registries.</li>
 * <li>{@link #unlock()} by a thread that does not hold the lock throws {@link IllegalStateException} (as the Redis
 * registry does) and changes nothing. The last {@code unlock()} of a lock that was lost while held (its key deleted
 * or expired, or no renewal acknowledged before its safe deadline; or an earlier etcd lock of the holding, replaced
 * by a reentrant lock) throws {@link ConcurrentModificationException}, as the JDBC and Redis registries do: the
 * work it guarded may have overlapped with another holder's. The lock is
 * released here either way. To find out before, see {@link EtcdLockRegistry#renewLock(Object)}.</li>
 * <li>Conditions are not supported.</li>
 * </ul>
 *
 * <p>The etcd lock's fencing token is {@link #fencingToken()}: hand it to a resource that refuses older ones.
 */
public final class EtcdDistributedLock implements DistributedLock {

    private final EtcdLockRegistry registry;

    private final String key;

    private final String name;

    private final ReentrantLock local = new ReentrantLock();

    /** The etcd lock while a thread holds this lock; set and cleared by that thread. */
    private volatile Hold hold;

    private volatile long lastUsed = System.currentTimeMillis();

    EtcdDistributedLock(EtcdLockRegistry registry, String key) {
        this.registry = registry;
        this.key = key;
        this.name = registry.nameOf(key);
    }

    /** The etcd lock of one holding, and why it was lost, if it was. */
    private static final class Hold {

        private final EtcdLock lock;

        private final Duration ttl;

        private volatile LockLoss loss;

        /**
         * Why this holding lost an etcd lock, once a reentrant acquisition found it lost; kept across the fresh etcd
         * lock it may take, so that the last unlock still reports that the work of the outer holds may have
         * overlapped with another holder's.
         */
        private String lostBecause;

        private Hold(EtcdLock lock, Duration ttl) {
            this.lock = lock;
            this.ttl = ttl;
            lock.addListener((lost, reason, cause) -> this.loss = reason);
        }
    }

    /**
     * Acquires the lock with the registry's time to live, waiting without bound; not interruptible.
     *
     * @throws CannotAcquireLockException when etcd cannot be reached or refuses
     */
    @Override
    public void lock() {
        lock(null);
    }

    /**
     * Acquires the lock with a time to live of its own, waiting without bound; not interruptible. When the
     * current thread holds it already, it holds it once more, with the time to live it has (in a fresh etcd lock if
     * the one it held is lost).
     *
     * @param ttl whole seconds, at least one
     * @throws IllegalArgumentException for a time to live that is not whole seconds
     * @throws CannotAcquireLockException when etcd cannot be reached or refuses
     */
    @Override
    public void lock(Duration ttl) {
        LockOptions options = this.registry.options(ttl);
        this.local.lock();
        if (this.local.getHoldCount() > 1) {
            if (stillHeld()) {
                return;
            }
            options = this.registry.options(this.hold.ttl);
        }
        boolean interrupted = Thread.interrupted();
        try {
            this.registry.register(this);
            while (true) {
                try {
                    held(this.registry.locks().acquire(this.name, options), options);
                    return;
                }
                catch (InterruptedException ex) {
                    // Not interruptible: the wait left the queue; ask again, and keep the interrupt for the caller.
                    interrupted = true;
                }
                catch (RuntimeException ex) {
                    if (!Thread.interrupted()) {
                        throw ex;
                    }
                    // A request cut short by an interrupt: as above.
                    interrupted = true;
                }
            }
        }
        catch (RuntimeException ex) {
            this.local.unlock();
            throw failed(ex);
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Acquires the lock with the registry's time to live, waiting until it is granted or the thread is interrupted.
     *
     * @throws InterruptedException when interrupted before or while waiting (nothing is left in etcd)
     * @throws CannotAcquireLockException when etcd cannot be reached or refuses
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        LockOptions options = this.registry.options(null);
        this.local.lockInterruptibly();
        if (this.local.getHoldCount() > 1) {
            if (stillHeld()) {
                return;
            }
            options = this.registry.options(this.hold.ttl);
        }
        try {
            this.registry.register(this);
            held(this.registry.locks().acquire(this.name, options), options);
        }
        catch (InterruptedException ex) {
            this.local.unlock();
            throw ex;
        }
        catch (RuntimeException ex) {
            this.local.unlock();
            throw interruptedOr(ex);
        }
    }

    /**
     * Acquires the lock if it is free now, here and in etcd, without waiting.
     *
     * @return whether the current thread holds it now
     * @throws CannotAcquireLockException when etcd cannot be reached or refuses
     */
    @Override
    public boolean tryLock() {
        LockOptions options = this.registry.options(null);
        if (!this.local.tryLock()) {
            return false;
        }
        if (this.local.getHoldCount() > 1) {
            if (stillHeld()) {
                return true;
            }
            options = this.registry.options(this.hold.ttl);
        }
        LockOptions chosen = options;
        // Not interruptible: a request of an interrupted thread would fail at once.
        return withInterruptKept(() -> {
            this.registry.register(this);
            Optional<EtcdLock> acquired = this.registry.locks().tryAcquire(this.name, chosen);
            if (acquired.isEmpty()) {
                this.local.unlock();
                return false;
            }
            held(acquired.get(), chosen);
            return true;
        });
    }

    /**
     * Acquires the lock with the registry's time to live, waiting at most {@code time}.
     *
     * @param time how long to wait; zero or less for no wait
     * @param unit its unit
     * @return whether the current thread holds it now; {@code false} when the time ran out (nothing is left in
     *     etcd)
     * @throws InterruptedException when interrupted before or while waiting (nothing is left in etcd)
     * @throws CannotAcquireLockException when etcd cannot be reached or refuses
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryLock(Duration.ofNanos(unit.toNanos(time)), null);
    }

    /**
     * Acquires the lock with a time to live of its own, waiting at most {@code waitTime}. When the current thread
     * holds it already, it holds it once more, with the time to live it has; if the etcd lock it held is lost, only
     * when a fresh one is acquired in time.
     *
     * @param waitTime how long to wait; zero or negative for no wait; must not be {@code null}
     * @param ttl whole seconds, at least one; {@code null} for the registry's
     * @return whether the current thread holds it now; {@code false} when the time ran out (nothing is left in
     *     etcd)
     * @throws InterruptedException when interrupted before or while waiting (nothing is left in etcd)
     * @throws IllegalArgumentException for a {@code null} wait or a time to live that is not whole seconds
     * @throws CannotAcquireLockException when etcd cannot be reached or refuses
     */
    @Override
    public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
        if (waitTime == null) {
            throw new IllegalArgumentException("waitTime must not be null");
        }
        LockOptions options = this.registry.options(ttl);
        long deadline = System.nanoTime() + Math.max(0, waitTime.toNanos());
        if (!this.local.tryLock(waitTime.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        if (this.local.getHoldCount() > 1) {
            if (stillHeld()) {
                return true;
            }
            options = this.registry.options(this.hold.ttl);
        }
        try {
            this.registry.register(this);
            long left = deadline - System.nanoTime();
            Optional<EtcdLock> acquired = (left <= 0) ? this.registry.locks().tryAcquire(this.name, options)
                    : Optional.of(this.registry.locks().acquire(this.name, options.waitAtMost(Duration.ofNanos(left))));
            if (acquired.isEmpty()) {
                this.local.unlock();
                return false;
            }
            held(acquired.get(), options);
            return true;
        }
        catch (EtcdLockTimeoutException ex) {
            this.local.unlock();
            return false;
        }
        catch (InterruptedException ex) {
            this.local.unlock();
            throw ex;
        }
        catch (RuntimeException ex) {
            this.local.unlock();
            throw interruptedOr(ex);
        }
    }

    private void held(EtcdLock lock, LockOptions options) {
        Hold fresh = new Hold(lock, options.getTtl());
        if (this.local.getHoldCount() > 1) {
            // A reentrant acquisition replacing a lost etcd lock: the outer holds were not all covered by one.
            fresh.lostBecause = this.hold.lostBecause;
        }
        this.hold = fresh;
        touch();
    }

    /**
     * On a reentrant acquisition: whether the holding's etcd lock is still held, checked in etcd as
     * {@link #checkStillHeld()} does. Spring Integration's leader initiator asks {@code tryLock} on each heartbeat
     * while it leads, and gives up leading only when it returns {@code false}; the JDBC and Redis registries
     * acquire in their store on every {@code tryLock}, reentrant or not. So a lost etcd lock must not be held once
     * more on the strength of the local hold: it is released here (its key may still be in etcd when only its safe
     * deadline passed, and would stand in the queue ahead of a fresh one), and the caller acquires a fresh one as
     * for a first hold, or fails and undoes its local hold. A failure here undoes the local hold too.
     */
    private boolean stillHeld() {
        Hold current = this.hold;
        // The read and the release must reach etcd even from an interrupted thread (lock() and tryLock() keep the
        // interrupt): a request of one would fail at once.
        return withInterruptKept(() -> {
            String lost = lost(current);
            if (lost == null) {
                touch();
                return true;
            }
            if (current.lostBecause == null) {
                current.lostBecause = lost;
            }
            current.lock.release();
            return false;
        });
    }

    /**
     * Runs a step whose requests must reach etcd even from an interrupted thread: the interrupt is cleared for it
     * and put back after it. A step that fails undoes the local hold taken for it, and fails as a lock does.
     */
    private boolean withInterruptKept(BooleanSupplier step) {
        boolean interrupted = Thread.interrupted();
        try {
            return step.getAsBoolean();
        }
        catch (RuntimeException ex) {
            this.local.unlock();
            throw failed(ex);
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Releases the lock once; the last release of the holding thread releases its etcd lock, which wakes the next
     * waiter in etcd.
     *
     * @throws IllegalStateException when the current thread does not hold the lock (nothing changes)
     * @throws ConcurrentModificationException at the last release, when the etcd lock was lost while held (it is
     *     released here all the same)
     */
    @Override
    public void unlock() {
        if (!this.local.isHeldByCurrentThread()) {
            throw new IllegalStateException("The current thread does not hold the lock '" + this.key + "' of "
                    + this.registry);
        }
        if (this.local.getHoldCount() > 1) {
            this.local.unlock();
            return;
        }
        Hold ended = this.hold;
        this.hold = null;
        // The release must reach etcd even from an interrupted thread: a request of one would fail at once.
        boolean interrupted = Thread.interrupted();
        try {
            String lost = (ended.lostBecause != null) ? ended.lostBecause : lost(ended);
            ended.lock.release();
            if (lost != null) {
                throw new ConcurrentModificationException("The lock '" + this.key + "' (etcd lock " + this.name
                        + ") was lost while held: " + lost + ". The integrity of data protected by this lock may have "
                        + "been compromised.");
            }
        }
        finally {
            this.local.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Checks that the current thread still holds the lock, in etcd too: by the renewal's safe deadline and a
     * linearizable read of the lock's holder.
     *
     * @throws IllegalStateException when it does not
     */
    void checkStillHeld() {
        Hold current = this.hold;
        if (!this.local.isHeldByCurrentThread() || current == null) {
            throw new IllegalStateException("Could not renew the lock '" + this.key + "': the current thread does not "
                    + "hold it in " + this.registry);
        }
        boolean interrupted = Thread.interrupted();
        try {
            String lost = lost(current);
            if (lost != null) {
                throw new IllegalStateException("Could not renew the lock '" + this.key + "' (etcd lock " + this.name
                        + "): " + lost);
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Why a holding is lost, or {@code null} while it is held: the holder read from etcd must be this holding's
     * key, and its safe deadline still ahead. When etcd cannot be read, the safe deadline decides alone.
     */
    private String lost(Hold current) {
        EtcdLock lock = current.lock;
        try {
            Optional<LockHolder> holder = this.registry.locks().holder(this.name);
            if (holder.isEmpty() || !holder.get().key().equals(lock.key())
                    || holder.get().fencingToken() != lock.fencingToken()) {
                return "its key " + lock.key() + " is gone from etcd (deleted, or expired)"
                        + holder.map((other) -> "; the lock is held by " + other.key()).orElse("");
            }
        }
        catch (EtcdException ex) {
            // etcd cannot say: the renewal's safe deadline can.
        }
        if (!lock.isHeld()) {
            LockLoss loss = current.loss;
            return (loss == LockLoss.DEADLINE_PASSED) ? "no renewal of it was acknowledged before its safe deadline"
                    : (loss == LockLoss.EXPIRED) ? "etcd said its lease or time to live is gone"
                    : "its key " + lock.key() + " was deleted";
        }
        return null;
    }

    /**
     * Not supported.
     *
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("Conditions are not supported by the locks of " + this.registry);
    }

    /**
     * The key this lock was obtained for.
     *
     * @return the key
     */
    public String key() {
        return this.key;
    }

    /**
     * The name of the etcd lock: the registry's prefix and the key.
     *
     * @return the name
     */
    public String etcdName() {
        return this.name;
    }

    /**
     * The fencing token of the etcd lock the current thread holds: its key's create revision (v3) or created
     * index (v2), greater for every new holder.
     *
     * @return the token
     * @throws IllegalStateException when the current thread does not hold the lock
     */
    public long fencingToken() {
        Hold current = this.hold;
        if (!this.local.isHeldByCurrentThread() || current == null) {
            throw new IllegalStateException("The current thread does not hold the lock '" + this.key + "'");
        }
        return current.lock.fencingToken();
    }

    /**
     * Whether the current thread holds this lock here.
     *
     * @return whether it does
     */
    public boolean isHeldByCurrentThread() {
        return this.local.isHeldByCurrentThread();
    }

    /** The time to live of the holding, or {@code null} when none. */
    Duration heldTtl() {
        Hold current = this.hold;
        return (current != null) ? current.ttl : null;
    }

    /** Whether a thread holds or waits for this lock here. */
    boolean isInUse() {
        return this.local.isLocked() || this.local.hasQueuedThreads();
    }

    long lastUsed() {
        return this.lastUsed;
    }

    void touch() {
        this.lastUsed = System.currentTimeMillis();
    }

    /** An attempt's failure as Spring Integration's registries report it. */
    private RuntimeException failed(RuntimeException ex) {
        if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                || ex instanceof CannotAcquireLockException) {
            return ex;
        }
        return new CannotAcquireLockException("Failed to lock '" + this.key + "' (etcd lock " + this.name + ") in "
                + this.registry + ": " + ex.getMessage(), ex);
    }

    /** A request cut short by an interrupt is the interrupt. */
    private RuntimeException interruptedOr(RuntimeException ex) throws InterruptedException {
        if (Thread.interrupted()) {
            InterruptedException interrupted = new InterruptedException("Interrupted while locking '" + this.key + "'");
            interrupted.initCause(ex);
            throw interrupted;
        }
        return failed(ex);
    }

    @Override
    public String toString() {
        Hold current = this.hold;
        return "EtcdDistributedLock[" + this.name + ", " + ((current != null) ? "held: " + current.lock.key()
                : "free here") + "]";
    }
}
