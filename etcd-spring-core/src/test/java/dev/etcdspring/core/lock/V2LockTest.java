package dev.etcdspring.core.lock;

import java.util.Comparator;
import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.ReadOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The lock contract on v2: in-order keys below the lock's directory, with a time to live the holder refreshes.
 */
class V2LockTest extends LockContractTest {

    @Override
    EtcdApi api() {
        return EtcdApi.V2;
    }

    @Override
    String readOperation() {
        return "get";
    }

    @Override
    List<String> queueKeys(String name) {
        try {
            return this.etcdTemplate.getResponse(name, ReadOptions.defaults().quorum(true))
                .node()
                .nodes()
                .stream()
                .sorted(Comparator.comparingLong(EtcdNode::createdIndex))
                .map(EtcdNode::key)
                .toList();
        }
        catch (EtcdKeyNotFoundException ex) {
            return List.of();
        }
    }

    @Override
    long createdAt(String key) {
        try {
            return this.etcdTemplate.getResponse(key, ReadOptions.defaults().quorum(true)).node().createdIndex();
        }
        catch (EtcdKeyNotFoundException ex) {
            return 0;
        }
    }

    @Override
    void deleteBehindItsBack(String key) {
        this.etcdTemplate.delete(key);
    }

    @Test
    void theHoldersKeyIsAnInOrderKeyWithATimeToLive() throws Exception {
        EtcdLock lock = this.etcdTemplate.opsForLocks().acquire(this.name, LockOptions.defaults());
        EtcdNode node = this.etcdTemplate.getResponse(lock.key()).node();
        assertThat(lock.key()).startsWith("/" + this.name + "/");
        assertThat(node.ttl()).isPositive();
        assertThat(node.createdIndex()).isEqualTo(lock.fencingToken());
        lock.release();
    }

    @Test
    void aFencedTransactionIsRefusedOnV2WithTheTokenToUseInstead() throws Exception {
        EtcdLock lock = this.etcdTemplate.opsForLocks().acquire(this.name, LockOptions.defaults());
        assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(lock::fencedTxn)
            .withMessageContaining("v3")
            .withMessageContaining(Long.toString(lock.fencingToken()));
        lock.release();
    }
}
