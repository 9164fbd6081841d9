// One job: the package's summary: Spring Integration's lock registry and leader initiator on etcd.
/**
 * Spring Integration on etcd, for applications that have {@code spring-integration-core} (an optional dependency):
 * {@link dev.etcdspring.integration.EtcdLockRegistry}, a {@code RenewableLockRegistry} of
 * {@code DistributedLock}s over {@link dev.etcdspring.core.EtcdOperations#opsForLocks()}, and
 * {@link dev.etcdspring.integration.EtcdLeaderInitiator}, a leader initiator that campaigns through
 * {@link dev.etcdspring.core.EtcdOperations#opsForElections()} and tells a {@code Candidate} (and the application's
 * listeners of {@code OnGrantedEvent} and {@code OnRevokedEvent}) when it leads. Both work on either of etcd's APIs,
 * and use the client's public API only.
 */
package dev.etcdspring.integration;
