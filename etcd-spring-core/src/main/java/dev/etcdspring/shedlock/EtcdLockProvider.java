// One job: ShedLock's LockProvider on etcd: a lock is a key that etcd expires after lockAtMostFor, created only
// if absent, unlocked and extended only while it is this holder's.
package dev.etcdspring.shedlock;

import java.util.Optional;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.kv.KvBytes;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.support.Utils;

/**
 * ShedLock's {@link net.javacrumbs.shedlock.core.LockProvider} on etcd, on both of its APIs:
 *
 * <pre>{@code
 * @Bean
 * LockProvider lockProvider(EtcdTemplate etcd) {
 *     return new EtcdLockProvider(etcd);                    // keys shedlock/<lock name>
 * }
 * }</pre>
 *
 * <p><b>One key per lock, with a time to live and no renewal.</b> ShedLock's lock is a lease on time, not on a
 * session: it must end at {@code lockAtMostFor} however long the task runs and whether or not its node lives, and
 * it must outlive an early {@code unlock()} until {@code lockAtLeastFor} has passed, even if the node dies right
 * after. So the lock is not an {@link dev.etcdspring.core.lock.EtcdLock} (which the client renews for as long as
 * the JVM holds it, and deletes on release) but the key {@code prefix + name}, created only if absent, with a time
 * to live of {@code lockAtMostFor} rounded <em>up</em> to whole seconds (etcd counts in seconds; at least one)
 * that nothing renews: if this node dies, etcd deletes the key once that time is up, and not before. On v3 the
 * key is attached to a lease of its own, which nothing keeps alive (etcd grants at least its minimum time to live,
 * 2 s by default, and deletes expired leases' keys within about half a second); on v2 the key has a TTL (expired
 * keys go at the leader's next sync, within about half a second).
 *
 * <p><b>Only the holder's own key is ever changed.</b> Unlocking, extending and the grace period write in one
 * request that compares the key with the one this holder created, so a holder whose lock expired, and was taken
 * by another node, cannot release, shorten or extend the other's lock (ShedLock's jetcd provider unlocks with an
 * unguarded put, which does). On v3 a new time to live is a transaction that compares the key's create revision
 * and lease with this holder's and moves the key to a new lease (etcd cannot shorten a lease); deleting is
 * revoking this holder's lease, which holds only this holder's key. On v2 both are compare-and-swap and
 * compare-and-delete on the key's modified index.
 *
 * <ul>
 * <li>{@link #lock} creates the key ({@code createRevision == 0} in a v3 transaction, {@code prevExist=false} on
 * v2), or returns empty when another holder has it. On v3 a lost race costs three requests (grant, transaction,
 * revoke), a won one two; on v2 each is one.</li>
 * <li>{@link SimpleLock#unlock()} before {@code lockAtLeastFor} has passed gives the key a time to live that
 * ends then (rounded up) instead of deleting it; after, it deletes the key. When the key is no longer this
 * holder's it changes nothing and logs a warning: the task ran longer than {@code lockAtMostFor}.</li>
 * <li>{@link SimpleLock#extend} gives the key a time to live of the new {@code lockAtMostFor} from now, and
 * returns the new lock, or empty when the key is no longer this holder's or the lock's {@code lockAtMostFor} has
 * passed (then this holder's key, if etcd has not expired it yet, is deleted). ShedLock's
 * {@code KeepAliveLockProvider} can wrap this provider to extend long tasks' locks.</li>
 * </ul>
 *
 * <p><b>Times.</b> They are ShedLock's, from its {@link net.javacrumbs.shedlock.core.ClockProvider}:
 * {@code lockAtMostFor} and {@code lockAtLeastFor} count from the lock's configuration (when the scheduler asked),
 * not from when etcd answered, so a slow request shortens what is left of them, as with every ShedLock provider.
 * Each time to live is what is left, rounded up, and etcd counts it from when it receives the request, so a key
 * never expires before the instant ShedLock asked for. It may expire later: by less than a second of rounding, by
 * up to etcd's minimum lease time to live on v3 (2 s by default) for what is shorter, and by etcd's expiry delay
 * (about half a second). So a {@code lockAtLeastFor} with less than a second left at {@code unlock()} still holds
 * the lock for a second (two on v3).
 *
 * <p>A write whose answer is lost throws the client's {@link dev.etcdspring.core.EtcdException}; the lock then
 * expires by its time to live at the latest. On v2 a lock's name may not hold a {@code /}: each lock is one key
 * of the prefix's directory, since v2 keeps a directory that a name such as {@code a/b} makes, and a lock named
 * {@code a} could never be created again.
 *
 * <p>The key's value is the holder's name ({@code lockedBy}, the host name by default), for whoever looks
 * ({@code etcdctl get shedlock/job}, or {@code get} on v2); when the lock expires etcd says with the key's lease
 * (v3) or TTL (v2). Thread-safe; it holds no resource, and makes no request but for locks.
 */
public final class EtcdLockProvider implements ExtensibleLockProvider {

    /** The default prefix of the lock keys. */
    public static final String DEFAULT_PREFIX = "shedlock/";

    private final String prefix;

    private final String lockedBy;

    private final boolean v2;

    private final LockStore store;

    /**
     * A provider with the keys {@code shedlock/<lock name>}, holding the host name.
     *
     * @param etcd the client, on either API; must not be {@code null}
     */
    public EtcdLockProvider(EtcdOperations etcd) {
        this(etcd, DEFAULT_PREFIX);
    }

    /**
     * A provider with the keys {@code prefix + lock name}, holding the host name.
     *
     * @param etcd the client, on either API; must not be {@code null}
     * @param prefix what each key starts with, joined to the lock's name as it is (end it with {@code /} for a
     *        directory); on v3 verbatim, on v2 a directory path; must not be {@code null}, may be empty
     */
    public EtcdLockProvider(EtcdOperations etcd, String prefix) {
        this(etcd, prefix, Utils.getHostname());
    }

    /**
     * A provider with the keys {@code prefix + lock name}, holding {@code lockedBy}.
     *
     * @param etcd the client, on either API; must not be {@code null}
     * @param prefix what each key starts with, joined to the lock's name as it is; must not be {@code null}, may
     *        be empty; on v2 a directory path, without an empty, {@code .} or {@code ..} segment
     * @param lockedBy what each key holds: who holds the lock; must not be {@code null}, may be empty
     * @throws IllegalArgumentException for a {@code null} argument, text that is not valid Unicode, or on v2 a
     *         prefix with an empty, {@code .} or {@code ..} segment
     */
    public EtcdLockProvider(EtcdOperations etcd, String prefix, String lockedBy) {
        if (etcd == null) {
            throw new IllegalArgumentException("etcd must not be null");
        }
        KvBytes.utf8(prefix, "prefix");
        KvBytes.utf8(lockedBy, "lockedBy");
        this.v2 = etcd.api() != EtcdApi.V3;
        if (!this.v2) {
            this.store = new V3LockStore(etcd.opsForKeyValue(), etcd.opsForLeases());
        }
        else {
            checkDirectoryPrefix(prefix);
            this.store = new V2LockStore(etcd);
        }
        this.prefix = prefix;
        this.lockedBy = lockedBy;
    }

    /** Every segment that the prefix completes (all but what the lock's name continues) must be a name. */
    private static void checkDirectoryPrefix(String prefix) {
        String path = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length - 1; i++) {
            if (segments[i].isEmpty() || segments[i].equals(".") || segments[i].equals("..")) {
                throw new IllegalArgumentException("prefix '" + prefix + "' has the segment '" + segments[i]
                        + "', which a v2 key path cannot have");
            }
        }
    }

    /**
     * Takes the lock if no one holds it: creates its key with a time to live of {@code lockAtMostFor}, rounded up
     * to whole seconds.
     *
     * @param lockConfiguration the lock's name, {@code lockAtMostFor} and {@code lockAtLeastFor}; must not be
     *        {@code null}
     * @return the lock, or empty when another holder has it
     * @throws IllegalArgumentException for {@code null}, or a key that the API cannot hold (text that is not valid
     *         Unicode; on v2 a name with a {@code /}, or {@code .} or {@code ..}), before any request
     * @throws dev.etcdspring.core.EtcdException when etcd cannot be reached or refuses
     */
    @Override
    public Optional<SimpleLock> lock(LockConfiguration lockConfiguration) {
        if (lockConfiguration == null) {
            throw new IllegalArgumentException("lockConfiguration must not be null");
        }
        return this.store
            .create(key(lockConfiguration.getName()), this.lockedBy,
                    EtcdShedLock.ttlUntil(lockConfiguration.getLockAtMostUntil()))
            .map((held) -> new EtcdShedLock(lockConfiguration, this.store, held, this.lockedBy));
    }

    /**
     * The key of a lock: {@code prefix + name}.
     *
     * @param name the lock's name; must not be {@code null} or empty, nor on v2 hold a {@code /}
     * @return the key
     * @throws IllegalArgumentException for a name that is {@code null}, empty, or on v2 holds a {@code /}
     */
    public String key(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name must not be " + ((name == null) ? "null" : "empty"));
        }
        if (this.v2 && name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("name '" + name + "' holds a '/': on the v2 API a lock is one key of "
                    + "the prefix's directory, and the directory a '/' makes would stay behind it");
        }
        return this.prefix + name;
    }

    @Override
    public String toString() {
        return "EtcdLockProvider[prefix=" + this.prefix + ", lockedBy=" + this.lockedBy + "]";
    }
}
