// One job: a lease as etcd granted it.
package dev.etcdspring.core.lease;

import java.time.Duration;

/**
 * A granted lease.
 *
 * @param id the lease's id (etcdctl shows it in hexadecimal)
 * @param ttl the time to live etcd granted, which may be longer than asked (its minimum is about 2 s)
 * @param revision the revision of the keyspace when it was granted
 */
public record LeaseGrant(long id, Duration ttl, long revision) {
}
