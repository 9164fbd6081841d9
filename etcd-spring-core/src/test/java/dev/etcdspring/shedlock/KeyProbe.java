// One job: what etcd holds for a ShedLock key, read the way each API shows it, for the provider's tests.
package dev.etcdspring.shedlock;

import java.time.Duration;
import java.util.Set;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.lease.LeaseTimeToLive;

/**
 * Reads a lock key behind the provider's back: on v3 with the v3-native API (the key verbatim, its lease), on v2
 * with the directory API (the key's TTL).
 */
final class KeyProbe {

    /**
     * A lock key as etcd holds it.
     *
     * @param value its value
     * @param token its create revision (v3) or created index (v2)
     * @param guard its lease (v3) or modified index (v2): what changes when the provider gives it a new time to live
     * @param ttl its lease's granted time to live (v3) or its time to live left (v2)
     */
    record Stored(String value, long token, long guard, Duration ttl) {
    }

    private final EtcdTemplate etcd;

    KeyProbe(EtcdTemplate etcd) {
        this.etcd = etcd;
    }

    /**
     * The key as etcd holds it.
     *
     * @param key the key
     * @return the key, or {@code null} when it does not exist
     */
    Stored read(String key) {
        if (this.etcd.api() == EtcdApi.V3) {
            KeyValue kv = this.etcd.opsForKeyValue().get(key);
            if (kv == null) {
                return null;
            }
            LeaseTimeToLive lease = (kv.lease() != 0) ? this.etcd.opsForLeases().timeToLive(kv.lease(), false) : null;
            return new Stored(kv.value(), kv.createRevision(), kv.lease(), (lease != null) ? lease.grantedTtl() : null);
        }
        try {
            EtcdNode node = this.etcd.getResponse(key).node();
            return new Stored(node.value(), node.createdIndex(), node.modifiedIndex(),
                    (node.ttl() != null) ? Duration.ofSeconds(node.ttl()) : null);
        }
        catch (EtcdKeyNotFoundException ex) {
            return null;
        }
    }

    boolean exists(String key) {
        return read(key) != null;
    }

    /** The leases etcd has (v3), for the leases a lock leaves behind. */
    Set<Long> leases() {
        return Set.copyOf(this.etcd.opsForLeases().list());
    }
}
