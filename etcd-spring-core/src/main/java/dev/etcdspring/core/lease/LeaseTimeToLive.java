// One job: what etcd says of a lease that exists: its remaining and granted time to live, and its keys.
package dev.etcdspring.core.lease;

import java.time.Duration;
import java.util.List;

import dev.etcdspring.core.kv.KvBytes;

/**
 * A lease's time to live, from {@link EtcdLeaseOperations#timeToLive(long, boolean)}.
 *
 * @param id the lease's id
 * @param ttl the time left
 * @param grantedTtl the time to live it was granted (and is renewed to)
 * @param keys the keys attached to it, when asked for; empty otherwise
 * @param revision the revision of the keyspace when etcd answered
 */
public record LeaseTimeToLive(long id, Duration ttl, Duration grantedTtl, List<byte[]> keys, long revision) {

    /**
     * Copies the keys.
     *
     * @param id the id
     * @param ttl the time left
     * @param grantedTtl the granted time to live
     * @param keys the keys
     * @param revision the revision
     */
    public LeaseTimeToLive {
        keys = keys.stream().map(byte[]::clone).toList();
    }

    /**
     * The keys as text.
     *
     * @return the keys, decoded as UTF-8
     * @throws IllegalStateException if a key is not valid UTF-8 (see {@link #keys()})
     */
    public List<String> keyNames() {
        return this.keys.stream().map((key) -> KvBytes.text(key, "key")).toList();
    }

    /**
     * The keys' bytes.
     *
     * @return copies of the keys
     */
    @Override
    public List<byte[]> keys() {
        return this.keys.stream().map(byte[]::clone).toList();
    }
}
