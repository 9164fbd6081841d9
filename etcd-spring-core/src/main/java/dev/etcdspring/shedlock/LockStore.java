// One job: the three writes a ShedLock lock needs, each a single guarded request on one API.
package dev.etcdspring.shedlock;

import java.time.Duration;
import java.util.Optional;

/**
 * Where ShedLock's locks are kept: a key per lock, with a time to live and nothing that renews it. Every write
 * but the first compares, in the same request, that the key is still the one this holder wrote.
 */
interface LockStore {

    /**
     * Creates the key if it does not exist.
     *
     * @param key the key
     * @param value what it holds
     * @param ttl after how long etcd deletes it; whole seconds, at least one
     * @return the held key, or empty when the key exists (another holder has the lock)
     * @throws IllegalArgumentException for a key the API cannot hold, before any request
     */
    Optional<HeldKey> create(String key, String value, Duration ttl);

    /**
     * Gives the key a new time to live, from now, if it is still this holder's.
     *
     * @param held the key as this holder wrote it last
     * @param value what it holds
     * @param ttl the new time to live; whole seconds, at least one
     * @return the key as rewritten, or empty when it is no longer this holder's (expired, deleted, another's)
     */
    Optional<HeldKey> retime(HeldKey held, String value, Duration ttl);

    /**
     * Deletes the key if it is still this holder's.
     *
     * @param held the key as this holder wrote it last
     * @return whether this holder's key was there to delete
     */
    boolean delete(HeldKey held);
}
