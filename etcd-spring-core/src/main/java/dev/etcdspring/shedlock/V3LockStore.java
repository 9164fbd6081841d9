// One job: ShedLock's lock keys on the v3-native API: a key on a lease of its own that nothing keeps alive,
// created and moved to a new lease in transactions that compare the key's create revision and lease.
package dev.etcdspring.shedlock;

import java.time.Duration;
import java.util.Optional;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.kv.Compare;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.kv.KvBytes;
import dev.etcdspring.core.kv.Op;
import dev.etcdspring.core.kv.PutOptions;
import dev.etcdspring.core.kv.TxnResult;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import dev.etcdspring.core.lease.LeaseGrant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LockStore} on v3. The key is written verbatim ({@code etcdctl get shedlock/job} shows it), attached to a
 * lease granted for the time to live and never renewed, so that etcd deletes it when the time is up whether or
 * not this JVM still runs. etcd cannot shorten a lease, so a new time to live is a new lease: the key moves to it
 * in a transaction that holds only while the key has this holder's create revision and lease, and the old lease is
 * revoked after. Deleting is revoking this holder's lease, which deletes the keys attached to it and no other:
 * another holder's key is on its own lease.
 */
final class V3LockStore implements LockStore {

    private static final Logger logger = LoggerFactory.getLogger(V3LockStore.class);

    private final EtcdKeyValueOperations kv;

    private final EtcdLeaseOperations leases;

    V3LockStore(EtcdKeyValueOperations kv, EtcdLeaseOperations leases) {
        this.kv = kv;
        this.leases = leases;
    }

    @Override
    public Optional<HeldKey> create(String key, String value, Duration ttl) {
        byte[] keyBytes = KvBytes.utf8(key, "key");
        byte[] valueBytes = KvBytes.utf8(value, "value");
        LeaseGrant lease = this.leases.grant(ttl);
        TxnResult result;
        try {
            result = this.kv.txn()
                .when(Compare.createRevision(keyBytes).isEqualTo(0))
                .then(Op.put(keyBytes, valueBytes, PutOptions.defaults().lease(lease.id())))
                .commit();
        }
        catch (RuntimeException ex) {
            // Whether or not the key was written, the caller hears that it has no lock: revoking the lease makes
            // that true (and when the revoke fails too, the key expires with the lease).
            revokeQuietly(lease.id());
            throw ex;
        }
        if (!result.succeeded()) {
            revokeQuietly(lease.id());
            return Optional.empty();
        }
        // The transaction wrote one key: its revision is the key's create revision.
        return Optional.of(new HeldKey(key, result.revision(), lease.id()));
    }

    @Override
    public Optional<HeldKey> retime(HeldKey held, String value, Duration ttl) {
        byte[] keyBytes = KvBytes.utf8(held.key(), "key");
        LeaseGrant lease = this.leases.grant(ttl);
        TxnResult result;
        try {
            result = this.kv.txn()
                .when(Compare.createRevision(keyBytes).isEqualTo(held.token()),
                        Compare.lease(keyBytes).isEqualTo(held.guard()))
                .then(Op.put(keyBytes, KvBytes.utf8(value, "value"), PutOptions.defaults().lease(lease.id())))
                .commit();
        }
        catch (EtcdException ex) {
            if (!ex.isOutcomeUnknown()) {
                revokeQuietly(lease.id());
            }
            // Else the key may be on the new lease: left alone, it expires with whichever lease it is on.
            throw ex;
        }
        if (!result.succeeded()) {
            revokeQuietly(lease.id());
            return Optional.empty();
        }
        revokeQuietly(held.guard());
        return Optional.of(new HeldKey(held.key(), held.token(), lease.id()));
    }

    @Override
    public boolean delete(HeldKey held) {
        return this.leases.revoke(held.guard());
    }

    /** Revokes a lease that holds no key of a holder's, or one that must not stay; a failure only delays it. */
    private void revokeQuietly(long lease) {
        try {
            this.leases.revoke(lease);
        }
        catch (RuntimeException ex) {
            logger.debug("Could not revoke lease {}; it expires after its time to live", Long.toHexString(lease), ex);
        }
    }
}
