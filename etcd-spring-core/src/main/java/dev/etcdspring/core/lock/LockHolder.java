// One job: who holds a lock, as read from its holder's key.
package dev.etcdspring.core.lock;

/**
 * The holder of a lock, read from its key.
 *
 * @param name the lock's name
 * @param key the holder's key
 * @param fencingToken the holder's fencing token: its key's create revision (v3) or created index (v2)
 * @param value what the holder's key holds ({@link LockOptions#value(String)})
 */
public record LockHolder(String name, String key, long fencingToken, String value) {
}
