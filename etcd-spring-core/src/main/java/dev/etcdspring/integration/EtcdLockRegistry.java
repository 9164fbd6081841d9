// One job: Spring Integration's lock registry on etcd: one lock object per key, the prefix and time to live of
// their etcd locks, the cache of unused ones, and renewLock as a check that a lock is still held.
package dev.etcdspring.integration;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.lock.EtcdLockOperations;
import dev.etcdspring.core.lock.LockOptions;

import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;
import org.springframework.scheduling.TaskScheduler;

/**
 * A Spring Integration {@link org.springframework.integration.support.locks.LockRegistry} whose locks are etcd's,
 * through {@link EtcdOperations#opsForLocks()}, on either API: the lock for key {@code k} is the etcd lock named
 * {@code prefix + k} ({@code locks/k} by default), which {@code etcdctl lock locks/k} and Go's
 * {@code concurrency.Mutex} contend for too on v3.
 *
 * <p>As Spring Integration's JDBC and Redis registries do, {@link #obtain(Object)} returns the same
 * {@link EtcdDistributedLock} for a key each time, reentrant for the thread that holds it; threads of this
 * registry wait for each other in the JVM, and only the thread that holds the lock here holds one etcd lock for
 * it, from its first {@code lock()} to its last {@code unlock()}. Two registries (two applications, or two
 * templates) exclude each other through etcd, where waiters are served in the order they asked and are woken by a
 * watch, not by polling.
 *
 * <p>etcd's lock renews itself while it is held (a lease keep-alive on v3, a time-to-live refresh on v2, on the
 * template's executor), so no {@linkplain #setRenewalTaskScheduler(TaskScheduler) renewal scheduler} is needed,
 * and {@link #renewLock(Object)} checks rather than renews. Unlocking a lock that was lost while held (its key
 * deleted or expired, or no renewal acknowledged in time) throws {@link java.util.ConcurrentModificationException},
 * as the JDBC and Redis registries do since Spring Integration 6.4: the work it guarded may have overlapped with
 * another holder's.
 *
 * <p>Unused lock objects are kept up to a {@linkplain #setCacheCapacity(int) capacity} (100 000) and can be
 * dropped with {@link #expireUnusedOlderThan(long)}; a lock object dropped from the cache can still be locked
 * while no newer one was obtained for its key, and refuses otherwise.
 *
 * <p>On v3 a lock's name is a key prefix: the lock {@code a} also waits for holders of {@code a/b}, whose keys are
 * below {@code a/} (as with {@code concurrency.Mutex}); keys without {@code /}, such as the UUIDs Spring
 * Integration's aggregators use, never meet this.
 */
public final class EtcdLockRegistry
        implements ExpirableLockRegistry<DistributedLock>, RenewableLockRegistry<DistributedLock> {

    /** The default prefix of the locks' names. */
    public static final String DEFAULT_PREFIX = "locks/";

    /** The default time to live of the locks: {@link LockOptions#DEFAULT_TTL}. */
    public static final Duration DEFAULT_TTL = LockOptions.DEFAULT_TTL;

    private static final int DEFAULT_CACHE_CAPACITY = 100_000;

    private final EtcdLockOperations locks;

    private final String prefix;

    private final LockOptions options;

    private final String clientId = UUID.randomUUID().toString();

    /** The lock objects, least recently obtained first; guarded by itself. */
    private final Map<String, EtcdDistributedLock> cache = new LinkedHashMap<>(16, 0.75f, true) {

        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EtcdDistributedLock> eldest) {
            return size() > EtcdLockRegistry.this.cacheCapacity && !eldest.getValue().isInUse();
        }
    };

    private volatile int cacheCapacity = DEFAULT_CACHE_CAPACITY;

    /**
     * Creates a registry of locks named {@code locks/<key>}, with a time to live of 15 s.
     *
     * @param etcd the client; must not be {@code null}
     */
    public EtcdLockRegistry(EtcdOperations etcd) {
        this(etcd, DEFAULT_PREFIX, DEFAULT_TTL);
    }

    /**
     * Creates a registry.
     *
     * @param etcd the client; must not be {@code null}
     * @param prefix what the locks' names begin with, before the key: {@code "locks/"} for {@code locks/<key>};
     *     must not be {@code null}; may be empty
     * @param ttl the locks' time to live, how long a lock outlives a holder that stopped renewing it: whole
     *     seconds, at least one
     * @throws IllegalArgumentException for a {@code null} client or prefix, or a time to live that is not whole
     *     seconds
     */
    public EtcdLockRegistry(EtcdOperations etcd, String prefix, Duration ttl) {
        if (etcd == null) {
            throw new IllegalArgumentException("etcd must not be null");
        }
        if (prefix == null) {
            throw new IllegalArgumentException("prefix must not be null (use \"\" for none)");
        }
        this.locks = etcd.opsForLocks();
        this.prefix = prefix;
        this.options = LockOptions.defaults().ttl(ttl);
    }

    /**
     * The lock for a key: the same object for the same key while it stays in the cache.
     *
     * @param lockKey the key, a non-empty {@code String}
     * @return the lock, not yet locked by this call
     * @throws IllegalArgumentException for a key that is not a non-empty {@code String}
     */
    @Override
    public EtcdDistributedLock obtain(Object lockKey) {
        String key = checkKey(lockKey);
        synchronized (this.cache) {
            EtcdDistributedLock lock = this.cache.computeIfAbsent(key, (k) -> new EtcdDistributedLock(this, k));
            lock.touch();
            return lock;
        }
    }

    /**
     * Drops from the cache the lock objects that no thread holds or waits for here and that were last obtained or
     * locked more than {@code age} ago.
     *
     * @param age in milliseconds; zero drops every unused lock object
     */
    @Override
    public void expireUnusedOlderThan(long age) {
        long now = System.currentTimeMillis();
        synchronized (this.cache) {
            Iterator<EtcdDistributedLock> each = this.cache.values().iterator();
            while (each.hasNext()) {
                EtcdDistributedLock lock = each.next();
                if (now - lock.lastUsed() >= age && !lock.isInUse()) {
                    each.remove();
                }
            }
        }
    }

    /**
     * Checks that the current thread still holds the lock of a key in etcd. There is nothing to renew: etcd's lock
     * renews itself while it is held, on the template's executor, a third of its time to live after each
     * acknowledged renewal. This reads the lock's holder from etcd (a linearizable read), so it fails as soon as
     * the lock is lost, which the lock's renewal may notice only later (a key deleted by someone else).
     *
     * @param lockKey the key
     * @throws IllegalStateException when the current thread does not hold the key's lock here, or it is lost
     */
    @Override
    public void renewLock(Object lockKey) {
        held(lockKey).checkStillHeld();
    }

    /**
     * Checks, as {@link #renewLock(Object)}, that the current thread still holds the lock of a key; etcd fixes a
     * lock's time to live when it is acquired, so {@code ttl} must be the one it was acquired with.
     *
     * @param lockKey the key
     * @param ttl the lock's time to live
     * @throws IllegalStateException when the current thread does not hold the key's lock here, or it is lost
     * @throws UnsupportedOperationException when {@code ttl} is not the time to live the lock was acquired with
     */
    @Override
    public void renewLock(Object lockKey, Duration ttl) {
        EtcdDistributedLock lock = held(lockKey);
        Duration acquiredWith = lock.heldTtl();
        if (acquiredWith != null && !acquiredWith.equals(ttl)) {
            throw new UnsupportedOperationException("the lock '" + lockKey + "' was acquired with a time to live of "
                    + acquiredWith + ", which etcd does not change while it is held (asked for " + ttl + "): acquire "
                    + "it with lock(ttl) or tryLock(waitTime, ttl) instead");
        }
        lock.checkStillHeld();
    }

    private EtcdDistributedLock held(Object lockKey) {
        String key = checkKey(lockKey);
        EtcdDistributedLock lock;
        synchronized (this.cache) {
            lock = this.cache.get(key);
        }
        if (lock == null || !lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("Could not renew the lock '" + key + "': the current thread does not hold it "
                    + "in " + this);
        }
        return lock;
    }

    /**
     * Accepted and not used: etcd's locks renew themselves on the template's executor while they are held.
     *
     * @param renewalTaskScheduler ignored; must not be {@code null}
     */
    @Override
    public void setRenewalTaskScheduler(TaskScheduler renewalTaskScheduler) {
        if (renewalTaskScheduler == null) {
            throw new IllegalArgumentException("renewalTaskScheduler must not be null");
        }
    }

    /**
     * Sets how many lock objects the cache keeps: beyond it, the least recently obtained one that no thread holds
     * or waits for is dropped when another is obtained.
     *
     * @param cacheCapacity positive; 100 000 by default
     */
    public void setCacheCapacity(int cacheCapacity) {
        if (cacheCapacity < 1) {
            throw new IllegalArgumentException("cacheCapacity must be positive, got " + cacheCapacity);
        }
        this.cacheCapacity = cacheCapacity;
        synchronized (this.cache) {
            Iterator<EtcdDistributedLock> each = this.cache.values().iterator();
            while (this.cache.size() > cacheCapacity && each.hasNext()) {
                if (!each.next().isInUse()) {
                    each.remove();
                }
            }
        }
    }

    /**
     * What the locks' names begin with, before the key.
     *
     * @return the prefix
     */
    public String getPrefix() {
        return this.prefix;
    }

    /**
     * The locks' time to live, unless acquired with one of their own.
     *
     * @return the time to live
     */
    public Duration getTtl() {
        return this.options.getTtl();
    }

    /**
     * Puts a lock object that is about to be locked back in the cache if it was dropped from it.
     *
     * @param lock the lock
     * @throws IllegalStateException when another lock object was obtained for its key since it was dropped
     */
    void register(EtcdDistributedLock lock) {
        synchronized (this.cache) {
            EtcdDistributedLock current = this.cache.putIfAbsent(lock.key(), lock);
            if (current != null && current != lock) {
                throw new IllegalStateException("The lock '" + lock.key() + "' was dropped from the cache of unused "
                        + "locks of " + this + ", and another was obtained for its key since: obtain a fresh one");
            }
        }
    }

    /** The etcd lock operations. */
    EtcdLockOperations locks() {
        return this.locks;
    }

    /** The etcd lock's name of a key. */
    String nameOf(String key) {
        return this.prefix + key;
    }

    /**
     * The options of an acquisition: the time to live, and who holds the lock as its key's value.
     *
     * @param ttl the time to live, or {@code null} for the registry's
     * @return the options
     * @throws IllegalArgumentException for a time to live that is not whole seconds
     */
    LockOptions options(Duration ttl) {
        LockOptions chosen = (ttl != null) ? this.options.ttl(ttl) : this.options;
        return chosen.value(this.clientId + " " + Thread.currentThread().getName());
    }

    private static String checkKey(Object lockKey) {
        if (!(lockKey instanceof String key) || key.isEmpty()) {
            throw new IllegalArgumentException("lockKey must be a non-empty String, got "
                    + ((lockKey instanceof String) ? "\"\"" : (lockKey != null) ? lockKey.getClass().getName() : null));
        }
        return key;
    }

    @Override
    public String toString() {
        return "EtcdLockRegistry[prefix=" + this.prefix + ", ttl=" + this.options.getTtl() + ", client=" + this.clientId
                + "]";
    }
}
