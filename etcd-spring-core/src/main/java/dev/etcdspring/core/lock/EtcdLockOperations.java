// One job: the lock operations' contract: acquire (blocking, bounded), try, and who holds a lock.
package dev.etcdspring.core.lock;

import java.util.Optional;

/**
 * Distributed locks with fencing tokens, from {@link dev.etcdspring.core.EtcdOperations#opsForLocks()}, on both of
 * etcd's APIs, built by the client from transactions, leases and watches (v3) or in-order keys with a time to live
 * and watches (v2); not on etcd's {@code /v3/lock} service, whose 3.4 server grants a lock to a waiter whose lease
 * expired.
 *
 * <p>Waiters are served in the order they asked; each watches only the waiter just before it. A wait that times
 * out or is interrupted deletes its key before it returns. The name is the lock's key prefix: on v3 the holder's
 * key is {@code name + "/" + lease id in hex}, as {@code etcdctl lock name} and Go's {@code concurrency.Mutex}
 * write it, so those contend for the same lock; on v2 it is a directory path.
 *
 * <p>A lock here is not reentrant: a second {@code acquire} of a lock this client holds queues behind the first, as
 * any other contender would ({@code dev.etcdspring.integration.EtcdLockRegistry} gives Spring Integration's
 * reentrant, per-thread locks on top of it).
 */
public interface EtcdLockOperations {

    /**
     * Acquires a lock with the default options, waiting without bound.
     *
     * @param name the lock's name; must not be {@code null} or empty
     * @return the held lock
     * @throws InterruptedException when the thread is interrupted while waiting (nothing is left in etcd)
     * @throws dev.etcdspring.core.EtcdException when etcd cannot be reached or refuses
     */
    default EtcdLock acquire(String name) throws InterruptedException {
        return acquire(name, LockOptions.defaults());
    }

    /**
     * Acquires a lock, waiting at most {@link LockOptions#waitAtMost(java.time.Duration) the options' bound}.
     *
     * @param name the lock's name; must not be {@code null} or empty
     * @param options the time to live, the wait bound, the value, the timeout; must not be {@code null}
     * @return the held lock
     * @throws EtcdLockTimeoutException when the wait ran out (nothing is left in etcd)
     * @throws InterruptedException when the thread is interrupted while waiting (nothing is left in etcd)
     * @throws dev.etcdspring.core.EtcdException when etcd cannot be reached or refuses
     */
    EtcdLock acquire(String name, LockOptions options) throws InterruptedException;

    /**
     * Acquires a lock if it is free now, without waiting.
     *
     * @param name the lock's name; must not be {@code null} or empty
     * @param options the time to live, the value, the timeout (the wait bound is not used); must not be
     *     {@code null}
     * @return the held lock, or empty when another contender holds it or waits for it (nothing is left in etcd)
     * @throws dev.etcdspring.core.EtcdException when etcd cannot be reached or refuses
     */
    Optional<EtcdLock> tryAcquire(String name, LockOptions options);

    /**
     * Who holds a lock now (a linearizable read).
     *
     * @param name the lock's name; must not be {@code null} or empty
     * @return the holder, or empty when the lock is free
     */
    Optional<LockHolder> holder(String name);
}
