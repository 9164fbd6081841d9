/**
 * etcd's v3 leases: grant, keep alive, revoke, time to live. Reached through
 * {@link dev.etcdspring.core.EtcdOperations#opsForLeases()}; keys are attached with
 * {@link dev.etcdspring.core.kv.PutOptions#lease(long)}.
 */
package dev.etcdspring.core.lease;
