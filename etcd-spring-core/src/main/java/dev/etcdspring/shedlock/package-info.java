/**
 * ShedLock's {@code LockProvider} on etcd, both APIs: {@link dev.etcdspring.shedlock.EtcdLockProvider}. Needs
 * {@code net.javacrumbs.shedlock:shedlock-core} on the class path (an optional dependency of the core).
 *
 * <p>A ShedLock lock is one key, {@code prefix + name}, that etcd expires after {@code lockAtMostFor} (rounded up
 * to whole seconds) with nothing to renew it; unlocking, extending and the {@code lockAtLeastFor} grace period act
 * only on this holder's own key, compared in the same request.
 */
package dev.etcdspring.shedlock;
