// One job: one contender's place in a coordination queue: its key, its token, and what keeps it alive.
package dev.etcdspring.core.internal;

import dev.etcdspring.core.lease.EtcdLease;

/**
 * A contender's key in a {@link CoordinationQueue}.
 *
 * @param name the queue's name
 * @param key the key
 * @param token the key's create revision (v3) or created index (v2), read from the key
 * @param value the value written with it
 * @param renewal what keeps the key alive: its lease (v3), or its time to live's refreshes (v2)
 */
public record QueueEntry(String name, String key, long token, String value, EtcdLease renewal) {
}
