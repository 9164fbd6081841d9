// One job: the v3 lease operations' contract (jetcd's Lease): grant, keep alive, revoke, time to live, list.
package dev.etcdspring.core.lease;

import java.time.Duration;
import java.util.List;

/**
 * etcd's v3 leases, from {@link dev.etcdspring.core.EtcdOperations#opsForLeases()}. A key attached to a lease
 * ({@link dev.etcdspring.core.kv.PutOptions#lease(long)}) is deleted when the lease expires or is revoked.
 */
public interface EtcdLeaseOperations {

    /**
     * Grants a lease with an id chosen by etcd.
     *
     * @param ttl the time to live, whole seconds (etcd grants at least its minimum, about 2 s); positive
     * @return the lease
     * @throws IllegalArgumentException for a time to live that is not a positive number of whole seconds
     */
    LeaseGrant grant(Duration ttl);

    /**
     * Grants a lease with a chosen id.
     *
     * @param ttl the time to live, whole seconds; positive
     * @param id the id; positive
     * @return the lease
     * @throws dev.etcdspring.core.EtcdNodeExistsException when a lease with that id exists
     */
    LeaseGrant grant(Duration ttl, long id);

    /**
     * Keeps a granted lease alive until it is closed or lost, or the template closes.
     *
     * @param lease the lease, as granted
     * @return the kept-alive lease
     */
    EtcdLease keepAlive(LeaseGrant lease);

    /**
     * Keeps a lease alive, given its id: a first renewal is sent now, to learn its time to live.
     *
     * @param id the lease's id
     * @return the kept-alive lease
     * @throws dev.etcdspring.core.EtcdKeyNotFoundException when etcd does not know the lease
     */
    EtcdLease keepAlive(long id);

    /**
     * Grants a lease and keeps it alive.
     *
     * @param ttl the time to live, whole seconds; positive
     * @return the kept-alive lease
     */
    default EtcdLease grantAndKeepAlive(Duration ttl) {
        return keepAlive(grant(ttl));
    }

    /**
     * Renews a lease once.
     *
     * @param id the lease's id
     * @return the time to live it was renewed to
     * @throws dev.etcdspring.core.EtcdKeyNotFoundException when the lease no longer exists
     */
    Duration keepAliveOnce(long id);

    /**
     * Revokes a lease: its keys are deleted.
     *
     * @param id the lease's id
     * @return {@code true} if it was revoked, {@code false} if etcd did not know it (expired, revoked)
     */
    boolean revoke(long id);

    /**
     * Asks how long a lease has left.
     *
     * @param id the lease's id
     * @param withKeys whether to list the keys attached to it
     * @return the time to live, or {@code null} if the lease does not exist (expired, revoked, never granted)
     */
    LeaseTimeToLive timeToLive(long id, boolean withKeys);

    /**
     * Lists the leases that exist.
     *
     * @return their ids
     */
    List<Long> list();
}
