// One job: ShedLock's lock keys on the v2 directory API: a key with a time to live, created with prevExist=false,
// rewritten and deleted with prevIndex.
package dev.etcdspring.shedlock;

import java.time.Duration;
import java.util.Optional;

import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdNodeExistsException;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.WriteOptions;

/**
 * A {@link LockStore} on v2. The key is created only if it does not exist ({@code prevExist=false}) with the time
 * to live, which nothing refreshes. A new time to live, and the delete, are compare-and-swap and
 * compare-and-delete on the key's modified index: every write to a v2 key gives it a new index, and no other
 * holder's key can have this holder's.
 */
final class V2LockStore implements LockStore {

    private final EtcdOperations etcd;

    V2LockStore(EtcdOperations etcd) {
        this.etcd = etcd;
    }

    @Override
    public Optional<HeldKey> create(String key, String value, Duration ttl) {
        EtcdNode node;
        try {
            node = this.etcd.set(key, value, WriteOptions.defaults().prevExist(false).ttl(ttl)).node();
        }
        catch (EtcdNodeExistsException ex) {
            return Optional.empty();
        }
        return Optional.of(new HeldKey(key, node.createdIndex(), node.modifiedIndex()));
    }

    @Override
    public Optional<HeldKey> retime(HeldKey held, String value, Duration ttl) {
        EtcdNode node;
        try {
            node = this.etcd.set(held.key(), value, WriteOptions.defaults().prevIndex(held.guard()).ttl(ttl)).node();
        }
        catch (EtcdCompareFailedException | EtcdKeyNotFoundException ex) {
            return Optional.empty();
        }
        return Optional.of(new HeldKey(held.key(), held.token(), node.modifiedIndex()));
    }

    @Override
    public boolean delete(HeldKey held) {
        try {
            this.etcd.delete(held.key(), WriteOptions.defaults().prevIndex(held.guard()));
            return true;
        }
        catch (EtcdCompareFailedException | EtcdKeyNotFoundException ex) {
            return false;
        }
    }
}
