// One job: the coordination queue on the v2 directory API: in-order keys with a time to live, kept alive by
// refreshes, the one before found by created index, deletions awaited by watch.
package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WatchOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.kv.EtcdTxn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CoordinationQueue} on the v2 keys API: a contender's key is an in-order key below the directory
 * {@code name} (its created index, zero-padded, as its name), with the time to live; refreshes
 * ({@code refresh=true&prevExist=true}, which wake no watcher) keep it alive, a {@link KeepAliveLoop} schedules
 * them and keeps the safe deadline. v2 has no transaction over two keys, so there is no fenced transaction.
 */
public final class V2CoordinationQueue implements CoordinationQueue {

    private static final Logger logger = LoggerFactory.getLogger(V2CoordinationQueue.class);

    /** How long leaving waits for the deletion of its key. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(2);

    /** v2's refresh of a key's time to live, observed by the template. */
    @FunctionalInterface
    public interface Refresh {

        /**
         * Renews a key's time to live.
         *
         * @param key the key
         * @param ttl the time to live
         * @param timeout the request timeout, or {@code null}
         * @throws EtcdKeyNotFoundException when the key is gone
         */
        void refresh(String key, Duration ttl, Duration timeout);
    }

    private final EtcdOperations etcd;

    private final Refresh refresh;

    private final TemplateScope scope;

    /**
     * Creates the queue.
     *
     * @param etcd the directory API
     * @param refresh v2's refresh
     * @param scope where the refreshes run
     */
    public V2CoordinationQueue(EtcdOperations etcd, Refresh refresh, TemplateScope scope) {
        this.etcd = etcd;
        this.refresh = refresh;
        this.scope = scope;
    }

    @Override
    public String api() {
        return "v2";
    }

    @Override
    public String checkName(String name, String what) {
        String dir = EtcdKeys.normalize(name, what + " name");
        if (dir.equals(EtcdKeys.ROOT)) {
            throw new IllegalArgumentException("a " + what + "'s name must not be the root '/': on v2 it is the "
                    + "directory of its contenders' keys");
        }
        return dir;
    }

    @Override
    public QueueEntry join(String name, String value, Duration ttl, Duration timeout) {
        long sent = System.nanoTime();
        EtcdNode node = this.etcd.createInOrder(name, value, write(timeout).ttl(ttl)).node();
        String key = node.key();
        KeepAliveLoop renewal = new KeepAliveLoop(node.createdIndex(), ttl, sent, (id, left) -> renew(key, ttl, left),
                (id) -> delete(key), this.scope.aborter(), this.scope::ended);
        try {
            this.scope.keepAlive(renewal);
        }
        catch (RuntimeException ex) {
            delete(key);
            throw ex;
        }
        return new QueueEntry(name, key, node.createdIndex(), value, renewal);
    }

    private Duration renew(String key, Duration ttl, Duration timeout) {
        try {
            this.refresh.refresh(key, ttl, timeout);
            return ttl;
        }
        catch (EtcdKeyNotFoundException ex) {
            return null;
        }
    }

    private void delete(String key) {
        try {
            this.etcd.delete(key, WriteOptions.defaults().timeout(LEAVE_TIMEOUT));
        }
        catch (EtcdKeyNotFoundException ex) {
            // Expired already.
        }
    }

    @Override
    public Position position(QueueEntry entry, Duration timeout) {
        EtcdResponse read;
        try {
            read = this.etcd.getResponse(entry.name(), read(timeout));
        }
        catch (EtcdKeyNotFoundException ex) {
            return new Position(false, null, ex.getIndex());
        }
        boolean present = false;
        EtcdNode before = null;
        for (EtcdNode child : contenders(read)) {
            if (child.createdIndex() == entry.token() && child.key().equals(entry.key())) {
                present = true;
            }
            else if (child.createdIndex() < entry.token()
                    && (before == null || child.createdIndex() > before.createdIndex())) {
                before = child;
            }
        }
        return new Position(present, (before != null) ? before.key() : null, read.etcdIndex());
    }

    /** The keys of the directory (a sub-directory is no contender). */
    private static List<EtcdNode> contenders(EtcdResponse read) {
        return read.node().nodes().stream().filter((child) -> !child.dir()).toList();
    }

    @Override
    public EtcdWatch awaitDeletion(String key, long fromRevision, Runnable onGone) {
        AtomicBoolean told = new AtomicBoolean();
        return this.etcd.watch(key, WatchOptions.defaults().fromIndex(fromRevision), (event) -> {
            if (gone(event) && told.compareAndSet(false, true)) {
                onGone.run();
            }
        });
    }

    /** A delete or expiry (of the key, or of a directory above it), or a resync that found nothing. */
    private static boolean gone(EtcdResponse event) {
        return switch (event.action()) {
            case "delete", "expire", "compareAndDelete" -> true;
            case "resync" -> event.node().modifiedIndex() == 0;
            default -> false;
        };
    }

    @Override
    public Head head(String name, Duration timeout) {
        EtcdResponse read;
        try {
            read = this.etcd.getResponse(name, read(timeout));
        }
        catch (EtcdKeyNotFoundException ex) {
            return new Head(null, 0, null, ex.getIndex());
        }
        EtcdNode first = null;
        for (EtcdNode child : contenders(read)) {
            if (first == null || child.createdIndex() < first.createdIndex()) {
                first = child;
            }
        }
        return (first != null) ? new Head(first.key(), first.createdIndex(), first.value(), read.etcdIndex())
                : new Head(null, 0, null, read.etcdIndex());
    }

    @Override
    public EtcdWatch watch(String name, long fromRevision, Runnable onChange, Consumer<Throwable> onError) {
        WatchOptions options = WatchOptions.defaults().recursive(true).fromIndex(fromRevision);
        return this.etcd.watch(name, (onError != null) ? options.onError(onError) : options, (event) -> onChange.run());
    }

    /** {@code prevExist=true} on a key no one else writes: it exists only while it is this entry's. */
    @Override
    public boolean update(QueueEntry entry, String value, Duration timeout) {
        try {
            this.etcd.set(entry.key(), value, write(timeout).prevExist(true).ttl(entry.renewal().ttl()));
            return true;
        }
        catch (EtcdKeyNotFoundException ex) {
            return false;
        }
    }

    @Override
    public EtcdTxn fencedTxn(QueueEntry entry) {
        throw new UnsupportedOperationException("a fenced transaction needs etcd's v3 API: v2 has no transaction "
                + "over two keys; pass the fencing token " + entry.token() + " of " + entry.key()
                + " to the resource instead, which refuses tokens older than the newest it has seen");
    }

    @Override
    public void leave(QueueEntry entry) {
        try {
            entry.renewal().close();
        }
        catch (RuntimeException ex) {
            logger.warn("Leaving {} failed ({}); the key expires after its time to live", entry.key(), ex.getMessage());
        }
    }

    private static ReadOptions read(Duration timeout) {
        ReadOptions read = ReadOptions.defaults().quorum(true).sorted(true);
        return (timeout != null) ? read.timeout(timeout) : read;
    }

    private static WriteOptions write(Duration timeout) {
        return (timeout != null) ? WriteOptions.defaults().timeout(timeout) : WriteOptions.defaults();
    }
}
