package dev.etcdspring.core.kv;

import java.time.Duration;
import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Puts and deletes of the v3-native API against a real etcd: the previous key-value when asked for, leases
 * attached, refused when unknown, kept or changed on their own with the value, and deletes of a key, a prefix and
 * a range with their counts and, when asked for, what they deleted. An independent reader checks what etcd holds.
 */
class KvPutDeleteTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final RawEtcd raw = new RawEtcd(etcd.endpoint());

    private EtcdTemplate etcdTemplate;

    private EtcdKeyValueOperations kv;

    private EtcdLeaseOperations leases;

    @BeforeEach
    void connect() {
        this.raw.deleteAll();
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        this.kv = this.etcdTemplate.opsForKeyValue();
        this.leases = this.etcdTemplate.opsForLeases();
    }

    @AfterEach
    void close() {
        this.leases.list().forEach(this.leases::revoke);
        this.etcdTemplate.close();
    }

    private long grant() {
        return this.leases.grant(Duration.ofSeconds(60)).id();
    }

    private List<String> allKeys() {
        return this.raw.allKeys().stream().map((k) -> new String(k, java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    // ---------------------------------------------------------------- put

    @Test
    void aPutReturnsTheRevisionItMade() {
        PutResult put = this.kv.put("put/rev", "v");
        assertThat(put.revision()).isEqualTo(this.kv.get("put/rev").modRevision()).isEqualTo(this.raw.revision());
        assertThat(put.prevKv()).as("not asked for").isNull();
    }

    @Test
    void aPutReturnsThePreviousKeyValueWhenAskedFor() {
        PutResult created = this.kv.put("put/prev", "one");
        PutResult updated = this.kv.put("put/prev", "two", PutOptions.defaults().prevKv(true));
        assertThat(updated.prevKv()).isNotNull();
        assertThat(updated.prevKv().key()).isEqualTo("put/prev");
        assertThat(updated.prevKv().value()).isEqualTo("one");
        assertThat(updated.prevKv().modRevision()).isEqualTo(created.revision());
        assertThat(updated.prevKv().createRevision()).isEqualTo(created.revision());
        assertThat(updated.prevKv().version()).isEqualTo(1);
        assertThat(this.kv.get("put/prev").value()).isEqualTo("two");
    }

    @Test
    void aPutOfANewKeyHasNoPreviousKeyValue() {
        assertThat(this.kv.put("put/new", "v", PutOptions.defaults().prevKv(true)).prevKv()).isNull();
    }

    @Test
    void aPutWithALeaseAttachesTheKeyWhichGoesWithTheLease() {
        long lease = grant();
        this.kv.put("put/leased", "v", PutOptions.defaults().lease(lease));
        assertThat(this.kv.get("put/leased").lease()).isEqualTo(lease);
        assertThat(this.raw.kv(RawEtcd.utf8("put/leased")).path("lease").asString()).isEqualTo(Long.toString(lease));
        assertThat(this.leases.timeToLive(lease, true).keyNames()).containsExactly("put/leased");

        assertThat(this.leases.revoke(lease)).isTrue();
        assertThat(this.kv.get("put/leased")).isNull();
        assertThat(this.raw.allKeys()).isEmpty();
    }

    @Test
    void aPutWithALeaseEtcdDoesNotKnowIsKeyNotFoundAndWritesNothing() {
        long before = this.raw.revision();
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.kv.put("put/unknown-lease", "v", PutOptions.defaults().lease(0x7eadbeefL)))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.KEY_NOT_FOUND);
                assertThat(e.getHttpStatus()).isEqualTo(404);
                assertThat(e.getMessage()).contains("lease");
                assertThat(e.isOutcomeUnknown()).isFalse();
            });
        assertThat(this.raw.revision()).isEqualTo(before);
        assertThat(this.raw.allKeys()).isEmpty();
    }

    @Test
    void ignoreValueKeepsTheValueAndChangesTheLease() {
        long lease = grant();
        this.kv.put("put/iv", "kept");
        this.kv.put("put/iv", "", PutOptions.defaults().lease(lease).ignoreValue(true));
        KeyValue read = this.kv.get("put/iv");
        assertThat(read.value()).isEqualTo("kept");
        assertThat(read.lease()).isEqualTo(lease);
        assertThat(read.version()).isEqualTo(2);
    }

    @Test
    void ignoreLeaseKeepsTheLeaseAndChangesTheValue() {
        long lease = grant();
        this.kv.put("put/il", "one", PutOptions.defaults().lease(lease));
        this.kv.put("put/il", "two", PutOptions.defaults().ignoreLease(true));
        KeyValue read = this.kv.get("put/il");
        assertThat(read.value()).isEqualTo("two");
        assertThat(read.lease()).isEqualTo(lease);
    }

    @Test
    void aPlainPutOfALeasedKeyDropsItsLease() {
        long lease = grant();
        this.kv.put("put/drop", "one", PutOptions.defaults().lease(lease));
        this.kv.put("put/drop", "two");
        assertThat(this.kv.get("put/drop").lease()).isZero();
        this.leases.revoke(lease);
        assertThat(this.kv.get("put/drop").value()).isEqualTo("two");
    }

    @Test
    void ignoreValueOrIgnoreLeaseOfAMissingKeyIsKeyNotFound() {
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.kv.put("put/absent", "", PutOptions.defaults().ignoreValue(true)))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.KEY_NOT_FOUND);
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.getMessage()).contains("put/absent");
            });
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.kv.put("put/absent", "v", PutOptions.defaults().ignoreLease(true)));
        assertThat(this.raw.allKeys()).isEmpty();
    }

    @Test
    void ignoreLeaseWithALeaseIsRefusedByEtcd() {
        long lease = grant();
        this.kv.put("put/ill", "kept");
        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.put("put/ill", "v", PutOptions.defaults().ignoreLease(true).lease(lease)))
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.getErrorCode()).isZero();
                assertThat(e.getMessage()).contains("lease is provided");
            });
        assertThat(this.kv.get("put/ill").value()).isEqualTo("kept");
    }

    @Test
    void ignoreValueWithAValueIsRefusedByEtcd() {
        this.kv.put("put/ivv", "kept");
        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.put("put/ivv", "other", PutOptions.defaults().ignoreValue(true)))
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.getMessage()).contains("value");
            });
        assertThat(this.kv.get("put/ivv").value()).isEqualTo("kept");
    }

    // ---------------------------------------------------------------- delete

    @Test
    void aDeleteOfAKeyDeletesItAlone() {
        this.kv.put("del/k", "v");
        this.kv.put("del/k2", "v");
        DeleteResult deleted = this.kv.delete("del/k");
        assertThat(deleted.deleted()).isEqualTo(1);
        assertThat(deleted.prevKvs()).as("not asked for").isEmpty();
        assertThat(deleted.revision()).isEqualTo(this.raw.revision());
        assertThat(allKeys()).containsExactly("del/k2");
    }

    @Test
    void aDeleteReturnsTheDeletedKeysWhenAskedFor() {
        long written = this.kv.put("del/prev", "value").revision();
        DeleteResult deleted = this.kv.delete("del/prev", DeleteOptions.defaults().prevKv(true));
        assertThat(deleted.deleted()).isEqualTo(1);
        assertThat(deleted.prevKvs()).singleElement().satisfies((k) -> {
            assertThat(k.key()).isEqualTo("del/prev");
            assertThat(k.value()).isEqualTo("value");
            assertThat(k.modRevision()).isEqualTo(written);
        });
        assertThat(deleted.revision()).isEqualTo(written + 1);
    }

    @Test
    void aDeleteOfAMissingKeyDeletesNothing() {
        this.kv.put("del/other", "v");
        long before = this.raw.revision();
        DeleteResult deleted = this.kv.delete("del/missing", DeleteOptions.defaults().prevKv(true));
        assertThat(deleted.deleted()).isZero();
        assertThat(deleted.prevKvs()).isEmpty();
        assertThat(deleted.revision()).isEqualTo(before);
        assertThat(this.raw.revision()).isEqualTo(before);
        assertThat(allKeys()).containsExactly("del/other");
    }

    @Test
    void aDeleteOfAPrefixDeletesExactlyTheKeysThatStartWithIt() {
        for (String key : List.of("dp", "dp/", "dp/a", "dp/b/c", "dp0", "do")) {
            this.kv.put(key, "v");
        }
        DeleteResult deleted = this.kv.deletePrefix("dp/");
        assertThat(deleted.deleted()).isEqualTo(3);
        assertThat(allKeys()).containsExactly("do", "dp", "dp0");
        assertThat(this.kv.deletePrefix("dp/").deleted()).isZero();
    }

    @Test
    void aDeleteOfAPrefixReturnsTheDeletedKeysInKeyOrderWhenAskedFor() {
        for (String key : List.of("dq/c", "dq/a", "dq/b")) {
            this.kv.put(key, "value of " + key);
        }
        DeleteResult deleted = this.kv.delete("dq/", DeleteOptions.prefix().prevKv(true));
        assertThat(deleted.deleted()).isEqualTo(3);
        assertThat(deleted.prevKvs()).extracting(KeyValue::key).containsExactly("dq/a", "dq/b", "dq/c");
        assertThat(deleted.prevKvs()).extracting(KeyValue::value)
            .containsExactly("value of dq/a", "value of dq/b", "value of dq/c");
        assertThat(this.raw.allKeys()).isEmpty();
    }

    @Test
    void aDeleteOfARangeDeletesFromTheStartToBeforeTheEnd() {
        for (String key : List.of("a", "b", "b/x", "c", "d")) {
            this.kv.put(key, "v");
        }
        DeleteResult deleted = this.kv.delete("b", DeleteOptions.defaults().range(KeyRange.to("d")).prevKv(true));
        assertThat(deleted.deleted()).isEqualTo(3);
        assertThat(deleted.prevKvs()).extracting(KeyValue::key).containsExactly("b", "b/x", "c");
        assertThat(allKeys()).containsExactly("a", "d");
    }

    @Test
    void aDeleteFromAKeyDeletesToTheEndOfTheKeyspace() {
        for (String key : List.of("a", "m", "n", "z")) {
            this.kv.put(key, "v");
        }
        this.kv.put(new byte[] { (byte) 0xFF }, RawEtcd.utf8("v"), PutOptions.defaults());
        assertThat(this.kv.delete("m", DeleteOptions.defaults().range(KeyRange.fromKey())).deleted()).isEqualTo(4);
        assertThat(allKeys()).containsExactly("a");
    }
}
