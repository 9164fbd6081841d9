package dev.etcdspring.core.lock;

import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.kv.Op;
import dev.etcdspring.core.kv.PutResult;
import dev.etcdspring.core.kv.RangeOptions;
import dev.etcdspring.test.Etcdctl;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lock contract on v3, and what only v3 has: the layout of etcd's own {@code concurrency.Mutex}
 * ({@code name/<lease in hex>}, one lease per contender) shared with {@code etcdctl lock}, and fenced transactions.
 */
class V3LockTest extends LockContractTest {

    @Override
    EtcdApi api() {
        return EtcdApi.V3;
    }

    @Override
    String readOperation() {
        return "txn";
    }

    @Override
    List<String> queueKeys(String name) {
        return this.etcdTemplate.opsForKeyValue()
            .get(name + "/", RangeOptions.prefix().sortBy(RangeOptions.SortTarget.CREATE, RangeOptions.SortOrder.ASCEND))
            .kvs()
            .stream()
            .map(KeyValue::key)
            .toList();
    }

    @Override
    long createdAt(String key) {
        KeyValue kv = this.etcdTemplate.opsForKeyValue().get(key);
        return (kv != null) ? kv.createRevision() : 0;
    }

    @Override
    void deleteBehindItsBack(String key) {
        Etcdctl.at(etcd.endpoint()).run("del", key);
    }

    @Test
    void theHoldersKeyIsTheLockNameAndItsLeaseInHexOnALeaseOfItsOwn() throws Exception {
        EtcdLock lock = this.etcdTemplate.opsForLocks().acquire(this.name, LockOptions.defaults());
        KeyValue key = this.etcdTemplate.opsForKeyValue().get(lock.key());
        assertThat(key.lease()).isPositive();
        assertThat(lock.key()).isEqualTo(this.name + "/" + Long.toHexString(key.lease()));
        assertThat(this.etcdTemplate.opsForLeases().timeToLive(key.lease(), true).keys())
            .containsExactly(lock.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        lock.release();
        assertThat(this.etcdTemplate.opsForLeases().timeToLive(key.lease(), false)).as("revoked").isNull();
    }

    @Test
    void aFencedTransactionAppliesWhileTheLockIsHeldAndNeverAfter() throws Exception {
        EtcdLock lock = this.etcdTemplate.opsForLocks().acquire(this.name, LockOptions.defaults());
        assertThat(lock.fencedTxn().then(Op.put("fenced/" + this.name, "one")).commit().succeeded()).isTrue();
        deleteBehindItsBack(lock.key());
        await().until(() -> !lock.isHeld());
        // Another holder now: its key has another create revision, so the old holder's write cannot apply.
        EtcdLock next = this.etcdTemplate.opsForLocks().acquire(this.name, LockOptions.defaults());
        assertThat(lock.fencedTxn().then(Op.put("fenced/" + this.name, "stale")).commit().succeeded()).isFalse();
        assertThat(this.etcdTemplate.opsForKeyValue().get("fenced/" + this.name).value()).isEqualTo("one");
        assertThat(next.fencedTxn().then(Op.put("fenced/" + this.name, "two")).commit().response(0, PutResult.class))
            .isNotNull();
        assertThat(this.etcdTemplate.opsForKeyValue().get("fenced/" + this.name).value()).isEqualTo("two");
    }

    @Test
    void etcdctlLockWaitsForALockHeldHereAndTheOtherWayRound() throws Exception {
        Etcdctl etcdctl = Etcdctl.at(etcd.endpoint());
        EtcdLock ours = this.etcdTemplate.opsForLocks().acquire(this.name, LockOptions.defaults());
        java.util.concurrent.CompletableFuture<String> theirs = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> etcdctl.text("lock", this.name, "echo", "etcdctl-held-it"));
        await().until(() -> queueKeys(this.name).size() == 2);
        assertThat(theirs).isNotDone();
        ours.release();
        assertThat(theirs.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("etcdctl-held-it");
        assertThat(queueKeys(this.name)).isEmpty();
    }
}
