// One job: the coordination queue on the v3-native API: a lease per contender, its key created in a transaction
// that reads it back, the one before found by create revision, deletions awaited by watch.
package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.kv.Compare;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.kv.EtcdTxn;
import dev.etcdspring.core.kv.KeyRange;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.kv.KvWatchEvent;
import dev.etcdspring.core.kv.KvWatchOptions;
import dev.etcdspring.core.kv.Op;
import dev.etcdspring.core.kv.PutOptions;
import dev.etcdspring.core.kv.RangeOptions;
import dev.etcdspring.core.kv.RangeResult;
import dev.etcdspring.core.kv.TxnResult;
import dev.etcdspring.core.lease.EtcdLease;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CoordinationQueue} as etcd's own {@code concurrency.Mutex} and {@code Election} lay it out: the key of a
 * contender is {@code name + "/" + its lease id in hex}, so {@code etcdctl lock}, {@code etcdctl elect} and Go
 * services share the queue. Built on the public v3 operations (and observed as theirs).
 */
public final class V3CoordinationQueue implements CoordinationQueue {

    private static final Logger logger = LoggerFactory.getLogger(V3CoordinationQueue.class);

    private final EtcdKeyValueOperations kv;

    private final EtcdLeaseOperations leases;

    /**
     * Creates the queue.
     *
     * @param kv the key-value operations
     * @param leases the lease operations
     */
    public V3CoordinationQueue(EtcdKeyValueOperations kv, EtcdLeaseOperations leases) {
        this.kv = kv;
        this.leases = leases;
    }

    @Override
    public String api() {
        return "v3";
    }

    @Override
    public String checkName(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a " + what + "'s name must not be " + ((name == null) ? "null" : "empty")
                    + ": it is the prefix of its contenders' keys");
        }
        return name;
    }

    private static String prefix(String name) {
        return name + "/";
    }

    @Override
    public QueueEntry join(String name, String value, Duration ttl, Duration timeout) {
        EtcdLease lease = this.leases.grantAndKeepAlive(ttl);
        String key = prefix(name) + Long.toHexString(lease.id());
        try {
            // Created and read back in one transaction: the token is the key's own create revision.
            TxnResult created = txn(timeout).when(Compare.createRevision(key).isEqualTo(0))
                .then(Op.put(key, value, PutOptions.defaults().lease(lease.id())), Op.get(key))
                .otherwise(Op.get(key))
                .commit();
            KeyValue own = created.response(created.succeeded() ? 1 : 0, RangeResult.class).first();
            if (!created.succeeded() || own == null) {
                throw new IllegalStateException("the key " + key + " of a new lease already existed, or vanished as it "
                        + "was written: another client writes keys below " + prefix(name));
            }
            return new QueueEntry(name, key, own.createRevision(), value, lease);
        }
        catch (RuntimeException ex) {
            lease.close();
            throw ex;
        }
    }

    @Override
    public Position position(QueueEntry entry, Duration timeout) {
        TxnResult read = txn(timeout)
            .then(Op.get(entry.key(), RangeOptions.defaults().keysOnly(true)),
                    Op.get(prefix(entry.name()), RangeOptions.prefix()
                        .maxCreateRevision(entry.token() - 1)
                        .sortBy(RangeOptions.SortTarget.CREATE, RangeOptions.SortOrder.DESCEND)
                        .limit(1)
                        .keysOnly(true)))
            .commit();
        KeyValue own = read.response(0, RangeResult.class).first();
        KeyValue before = read.response(1, RangeResult.class).first();
        return new Position(own != null && own.createRevision() == entry.token(),
                (before != null) ? before.key() : null, read.revision());
    }

    @Override
    public EtcdWatch awaitDeletion(String key, long fromRevision, Runnable onGone) {
        AtomicBoolean told = new AtomicBoolean();
        return this.kv.watch(key, KvWatchOptions.defaults().fromRevision(fromRevision), (event) -> {
            boolean gone = event.type() == KvWatchEvent.Type.DELETE
                    || (event.type() == KvWatchEvent.Type.RESYNC && event.state().isEmpty());
            if (gone && told.compareAndSet(false, true)) {
                onGone.run();
            }
        });
    }

    @Override
    public Head head(String name, Duration timeout) {
        // Linearizable whatever the template's read consistency: a stale head could name a leader that left.
        RangeOptions first = RangeOptions.prefix().sortBy(RangeOptions.SortTarget.CREATE, RangeOptions.SortOrder.ASCEND)
            .limit(1)
            .serializable(false);
        RangeResult read = this.kv.get(prefix(name), (timeout != null) ? first.timeout(timeout) : first);
        KeyValue head = read.first();
        return (head != null) ? new Head(head.key(), head.createRevision(), head.value(), read.revision())
                : new Head(null, 0, null, read.revision());
    }

    @Override
    public EtcdWatch watch(String name, long fromRevision, Runnable onChange, Consumer<Throwable> onError) {
        KvWatchOptions options = KvWatchOptions.defaults().range(KeyRange.prefix()).fromRevision(fromRevision);
        return this.kv.watch(prefix(name), (onError != null) ? options.onError(onError) : options, (event) -> {
            if (event.type() != KvWatchEvent.Type.PROGRESS) {
                onChange.run();
            }
        });
    }

    @Override
    public boolean update(QueueEntry entry, String value, Duration timeout) {
        return fenced(entry, timeout).then(Op.put(entry.key(), value, PutOptions.defaults().lease(entry.renewal().id())))
            .commit()
            .succeeded();
    }

    @Override
    public EtcdTxn fencedTxn(QueueEntry entry) {
        return fenced(entry, null);
    }

    private EtcdTxn fenced(QueueEntry entry, Duration timeout) {
        return txn(timeout).when(Compare.createRevision(entry.key()).isEqualTo(entry.token()));
    }

    private EtcdTxn txn(Duration timeout) {
        EtcdTxn txn = this.kv.txn();
        return (timeout != null) ? txn.timeout(timeout) : txn;
    }

    /** Closing the lease revokes it, which deletes the key (and logs a failure: the lease then expires). */
    @Override
    public void leave(QueueEntry entry) {
        try {
            entry.renewal().close();
        }
        catch (RuntimeException ex) {
            logger.warn("Leaving {} failed ({}); its key expires with its lease", entry.key(), ex.getMessage());
        }
    }
}
