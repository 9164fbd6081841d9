package dev.etcdspring.core.kv;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.lease.LeaseGrant;
import dev.etcdspring.core.lease.LeaseTimeToLive;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.Etcdctl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The v3-native API and etcdctl share one keyspace exactly: what etcdctl writes, {@code opsForKeyValue()} reads
 * byte for byte, and the other way round; keys without a leading {@code /}, binary keys and values, revisions,
 * leases, watches and transactions included. Against a real etcd and Debian's etcdctl 3.4.
 */
class EtcdctlInteropTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single().withoutV2();

    private static final Duration WAIT = Duration.ofSeconds(10);

    private EtcdTemplate template;

    private EtcdKeyValueOperations kv;

    private Etcdctl etcdctl;

    @BeforeEach
    void connect() {
        this.template = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        this.kv = this.template.opsForKeyValue();
        this.etcdctl = Etcdctl.at(etcd.endpoint());
        // One etcd for the class: each test starts from an empty keyspace.
        this.kv.delete(new byte[] { 0 }, DeleteOptions.defaults().range(KeyRange.fromKey()));
    }

    @AfterEach
    void close() {
        this.template.close();
    }

    private static byte[] everyByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        return all;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] concat(String text, byte[] tail) {
        byte[] head = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void aKeyWithoutALeadingSlashWrittenByEtcdctlIsReadAsItIs() {
        this.etcdctl.put("shop2/flat", "noslash");
        KeyValue flat = this.kv.get("shop2/flat");
        assertThat(flat).isNotNull();
        assertThat(flat.value()).isEqualTo("noslash");
        assertThat(flat.keyBytes()).isEqualTo("shop2/flat".getBytes(StandardCharsets.UTF_8));
        assertThat(this.kv.get("/shop2/flat")).as("no / added").isNull();
        assertThat(this.kv.getPrefix("shop2/").kvs()).extracting(KeyValue::key).containsExactly("shop2/flat");
        assertThat(this.kv.getPrefix("/shop2/").kvs()).isEmpty();
    }

    @Test
    void slashFooFooAndSlashSlashFooAreThreeKeys() {
        this.etcdctl.put("/foo", "rooted");
        this.etcdctl.put("foo", "flat");
        this.etcdctl.put("//foo", "doubly rooted");
        assertThat(this.kv.get("/foo").value()).isEqualTo("rooted");
        assertThat(this.kv.get("foo").value()).isEqualTo("flat");
        assertThat(this.kv.get("//foo").value()).isEqualTo("doubly rooted");
        assertThat(this.kv.getPrefix("/").kvs()).extracting(KeyValue::key).containsExactly("//foo", "/foo");
        this.kv.put("foo", "flat, by the template");
        assertThat(this.etcdctl.get("foo").first().valueText()).isEqualTo("flat, by the template");
        assertThat(this.etcdctl.get("/foo").first().valueText()).isEqualTo("rooted");
        assertThat(this.etcdctl.get("//foo").first().valueText()).isEqualTo("doubly rooted");
    }

    @Test
    void aValueOfEveryByteFromEtcdctlsStdinIsReadExactly() {
        byte[] value = everyByte();
        this.etcdctl.put("bin/all-bytes", value);
        KeyValue read = this.kv.get("bin/all-bytes");
        assertThat(read.valueBytes()).isEqualTo(value);
        assertThatIllegalStateException().as("not UTF-8: refused as text, never replaced").isThrownBy(read::value)
            .withMessageContaining("bin/all-bytes");
        this.etcdctl.put("bin/secret", "s3cret\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertThatIllegalStateException().isThrownBy(() -> this.kv.get("bin/secret").value())
            .withMessageContaining("bin/secret")
            .withMessageNotContaining("s3cret")
            .satisfies((ex) -> assertThat(ex.getCause()).hasMessageNotContaining("s3cret"));
        byte[] newlineEnded = "line\n".getBytes(StandardCharsets.UTF_8);
        this.etcdctl.put("bin/newline", newlineEnded);
        assertThat(this.kv.get("bin/newline").valueBytes()).as("stdin is taken whole, nothing trimmed")
            .isEqualTo(newlineEnded);
        assertThatIllegalStateException().as("etcdctl takes an empty stdin for no value")
            .isThrownBy(() -> this.etcdctl.run(new byte[0], "put", "--", "bin/empty"))
            .withMessageContaining("needs 1 argument and input from stdin");
        this.etcdctl.put("bin/empty", new byte[0]);
        KeyValue empty = this.kv.get("bin/empty");
        assertThat(empty).isNotNull();
        assertThat(empty.valueBytes()).isEmpty();
    }

    @Test
    void aValueOfEveryByteFromTheTemplateIsWhatEtcdctlShowsAtTheSameRevisions() {
        byte[] value = everyByte();
        PutResult put = this.kv.put("bin/all-bytes".getBytes(StandardCharsets.UTF_8), value, PutOptions.defaults());
        Etcdctl.Range shown = this.etcdctl.get("bin/all-bytes");
        assertThat(shown.kvs()).hasSize(1);
        Etcdctl.Kv kv = shown.first();
        assertThat(kv.value()).isEqualTo(value);
        assertThat(kv.modRevision()).isEqualTo(put.revision());
        assertThat(kv.createRevision()).isEqualTo(put.revision());
        assertThat(kv.version()).isEqualTo(1);
        assertThat(shown.revision()).as("nothing written since").isEqualTo(put.revision());
        PutResult again = this.kv.put("bin/all-bytes".getBytes(StandardCharsets.UTF_8), bytes(0), PutOptions.defaults());
        RangeResult read = this.kv.get("bin/all-bytes".getBytes(StandardCharsets.UTF_8), RangeOptions.defaults());
        Etcdctl.Kv after = this.etcdctl.get("bin/all-bytes").first();
        assertThat(after.value()).containsExactly(0);
        assertThat(after.modRevision()).isEqualTo(again.revision()).isEqualTo(read.first().modRevision());
        assertThat(after.createRevision()).isEqualTo(read.first().createRevision()).isEqualTo(put.revision());
        assertThat(after.version()).isEqualTo(read.first().version()).isEqualTo(2);
        assertThat(this.etcdctl.get("bin/all-bytes").revision()).isEqualTo(read.revision());
    }

    @Test
    void binaryKeysGoBothWaysByteForByte() {
        // Invalid UTF-8 (0xFF; 0xC3 not followed by a continuation byte) and NUL: etcdctl takes them through txn.
        byte[] fromEtcdctl = concat("keys/", bytes(0xFF, 0xC3, '(', 0x00, 'k'));
        long revision = this.etcdctl.put(fromEtcdctl, bytes(0x00, 0xFF));
        KeyValue read = this.kv.get(fromEtcdctl);
        assertThat(read).isNotNull();
        assertThat(read.keyBytes()).isEqualTo(fromEtcdctl);
        assertThat(read.valueBytes()).containsExactly(0x00, 0xFF);
        assertThat(read.modRevision()).isEqualTo(revision);
        assertThatIllegalStateException().isThrownBy(read::key);

        byte[] fromTemplate = concat("keys/", bytes(0xC3, 0xFF, 0x01, 0x00));
        PutResult put = this.kv.put(fromTemplate, bytes(0xFE), PutOptions.defaults());
        Etcdctl.Kv shown = this.etcdctl.get(fromTemplate).first();
        assertThat(shown.key()).isEqualTo(fromTemplate);
        assertThat(shown.value()).containsExactly(0xFE);
        assertThat(shown.modRevision()).isEqualTo(put.revision());

        // A text prefix as etcdctl's argument lists both binary keys, exactly, in byte order.
        assertThat(this.etcdctl.get("keys/", "--prefix").kvs()).extracting(Etcdctl.Kv::key)
            .containsExactly(fromTemplate, fromEtcdctl);
        assertThat(this.kv.getPrefix("keys/").kvs()).extracting(KeyValue::keyBytes)
            .containsExactly(fromTemplate, fromEtcdctl);
    }

    @Test
    void aTextKeyIsItsUtf8BytesForBothAndWhatAnArgumentCannotHoldIsRefusedNotChanged() {
        // U+00FF is the bytes C3 BF for both: a String never stands for the single byte 0xFF.
        this.etcdctl.put("text/ÿ物理 ключ", "ünïcode");
        KeyValue read = this.kv.get("text/ÿ物理 ключ");
        assertThat(read.keyBytes()).isEqualTo("text/ÿ物理 ключ".getBytes(StandardCharsets.UTF_8));
        assertThat(read.value()).isEqualTo("ünïcode");
        assertThat(this.kv.get(concat("text/", bytes(0xFF)))).isNull();
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdctl.put("text/\ud800", "lone surrogate"));
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdctl.put("text/\0", "nul"));
        assertThat(this.kv.getPrefix("text/").kvs()).as("nothing written by the refused ones").hasSize(1);
        this.etcdctl.put("text/dash", "-starts-like-a-flag");
        assertThat(this.kv.get("text/dash").value()).isEqualTo("-starts-like-a-flag");
    }

    @Test
    void aKeyThatIsBothAValueAndAPrefixReadsBackBoth() {
        this.etcdctl.put("/cfg/server", "x");
        this.etcdctl.put("/cfg/server/port", "8080");
        RangeResult both = this.kv.getPrefix("/cfg/");
        assertThat(both.kvs()).extracting(KeyValue::key).containsExactly("/cfg/server", "/cfg/server/port");
        assertThat(both.kvs()).extracting(KeyValue::value).containsExactly("x", "8080");
        assertThat(this.kv.scan("/cfg/", 1).map(KeyValue::key)).containsExactly("/cfg/server", "/cfg/server/port");
        Etcdctl.Range shown = this.etcdctl.get("/cfg/", "--prefix");
        assertThat(shown.count()).isEqualTo(both.count()).isEqualTo(2);
        assertThat(shown.revision()).isEqualTo(both.revision());
        assertThat(shown.kvs()).extracting(Etcdctl.Kv::modRevision)
            .containsExactlyElementsOf(both.kvs().stream().map(KeyValue::modRevision).toList());
    }

    @Test
    void aLeaseGrantedByEtcdctlHoldsAKeyTheTemplatePuts() {
        long lease = this.etcdctl.leaseGrant(30);
        this.kv.put("leased/by-template", "v", PutOptions.defaults().lease(lease));
        this.etcdctl.put("leased/by-etcdctl", "w", lease);
        assertThat(this.kv.get("leased/by-template").lease()).isEqualTo(lease);
        assertThat(this.kv.get("leased/by-etcdctl").lease()).isEqualTo(lease);
        Etcdctl.Lease shown = this.etcdctl.timeToLive(lease);
        assertThat(shown.id()).isEqualTo(lease);
        assertThat(shown.grantedTtl()).isEqualTo(30);
        assertThat(shown.ttl()).isBetween(1L, 30L);
        assertThat(shown.keyNames()).containsExactlyInAnyOrder("leased/by-template", "leased/by-etcdctl");
        assertThat(this.etcdctl.get("leased/by-template").first().lease()).isEqualTo(lease);
        LeaseTimeToLive seen = this.template.opsForLeases().timeToLive(lease, true);
        assertThat(seen.grantedTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(seen.keyNames()).containsExactlyInAnyOrder("leased/by-template", "leased/by-etcdctl");
        this.etcdctl.leaseRevoke(lease);
        assertThat(this.kv.getPrefix("leased/").kvs()).as("revoked with its keys").isEmpty();
        assertThat(this.template.opsForLeases().timeToLive(lease, false)).isNull();
    }

    @Test
    void aLeaseGrantedByTheTemplateIsSeenByEtcdctl() {
        LeaseGrant lease = this.template.opsForLeases().grant(Duration.ofSeconds(40));
        this.etcdctl.put("leased/by-etcdctl", "w", lease.id());
        this.kv.put("leased/by-template", "v", PutOptions.defaults().lease(lease.id()));
        Etcdctl.Lease shown = this.etcdctl.timeToLive(lease.id());
        assertThat(shown.id()).isEqualTo(lease.id());
        assertThat(shown.grantedTtl()).isEqualTo(lease.ttl().toSeconds()).isEqualTo(40);
        assertThat(shown.keyNames()).containsExactlyInAnyOrder("leased/by-template", "leased/by-etcdctl");
        assertThat(this.etcdctl.text("lease", "list")).contains(Long.toHexString(lease.id()));
        assertThat(this.template.opsForLeases().revoke(lease.id())).isTrue();
        assertThat(this.etcdctl.timeToLive(lease.id()).ttl()).as("gone: etcdctl says -1").isEqualTo(-1);
        assertThat(this.etcdctl.get("leased/", "--prefix").kvs()).isEmpty();
    }

    @Test
    void etcdctlsDeleteOfAPrefixReachesATemplateWatchAsDeletes() {
        this.etcdctl.put("w/a", "1");
        this.etcdctl.put("w/b/c", "2");
        this.kv.put("w/d", "3");
        this.etcdctl.put("wx", "outside the prefix");
        long from = this.kv.getPrefix("w/").revision() + 1;
        List<KvWatchEvent> events = new CopyOnWriteArrayList<>();
        try (EtcdWatch watch = this.kv.watch("w/", KvWatchOptions.prefix().fromRevision(from).prevKv(true),
                events::add)) {
            Etcdctl.Deleted deleted = this.etcdctl.del("w/", "--prefix");
            assertThat(deleted.deleted()).isEqualTo(3);
            await().atMost(WAIT).until(() -> events.size() >= 3);
            assertThat(events).extracting(KvWatchEvent::type).containsOnly(KvWatchEvent.Type.DELETE);
            assertThat(events).extracting((event) -> event.kv().key()).containsExactly("w/a", "w/b/c", "w/d");
            assertThat(events).extracting(KvWatchEvent::revision).containsOnly(deleted.revision());
            assertThat(events).extracting((event) -> event.prevKv().value()).containsExactly("1", "2", "3");
            // wx shares the text but not the prefix w/: were it watched, its change would come first.
            this.etcdctl.put("wx", "changed outside the prefix");
            this.etcdctl.put("w/e", "after");
            await().atMost(WAIT).until(() -> events.size() >= 4);
            assertThat(events.get(3).type()).isEqualTo(KvWatchEvent.Type.PUT);
            assertThat(events.get(3).kv().key()).isEqualTo("w/e");
            assertThat(events.get(3).kv().value()).isEqualTo("after");
            assertThat(events).hasSize(4);
        }
        assertThat(this.kv.get("wx").value()).isEqualTo("changed outside the prefix");
    }

    @Test
    void aTransactionCommittedByTheTemplateIsSeenByEtcdctlAtOneRevision() {
        this.etcdctl.put("txn/old", "to delete");
        TxnResult result = this.kv.txn()
            .when(Compare.createRevision("txn/lock").isEqualTo(0), Compare.value("txn/old").isEqualTo("to delete"))
            .then(Op.put("txn/lock", "holder"), Op.put("txn/a", "A"), Op.delete("txn/old"))
            .otherwise(Op.get("txn/lock"))
            .commit();
        assertThat(result.succeeded()).isTrue();
        Etcdctl.Range shown = this.etcdctl.get("txn/", "--prefix");
        assertThat(shown.kvs()).extracting(Etcdctl.Kv::keyText).containsExactly("txn/a", "txn/lock");
        assertThat(shown.kvs()).extracting(Etcdctl.Kv::modRevision).containsOnly(result.revision());
        assertThat(shown.revision()).isEqualTo(result.revision());
        TxnResult failed = this.kv.txn()
            .when(Compare.createRevision("txn/lock").isEqualTo(0))
            .then(Op.put("txn/lock", "another"))
            .otherwise(Op.get("txn/lock"))
            .commit();
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.response(0, RangeResult.class).first().value()).isEqualTo("holder");
        assertThat(this.etcdctl.get("txn/lock").first().valueText()).isEqualTo("holder");
    }

    @Test
    void aTransactionCommittedByEtcdctlComparesWhatTheTemplateWrote() {
        PutResult put = this.kv.put("txn/mode", "blue");
        JsonNode answer = this.etcdctl.txn("mod(\"txn/mode\") = \"" + put.revision() + "\"\n\n"
                + "put txn/mode green\nput txn/by-etcdctl yes\n\nput txn/mode lost\n\n");
        assertThat(answer.path("succeeded").asBoolean(false)).isTrue();
        long revision = answer.path("header").path("revision").asLong();
        assertThat(this.kv.get("txn/mode").value()).isEqualTo("green");
        assertThat(this.kv.get("txn/mode").modRevision()).isEqualTo(revision);
        assertThat(this.kv.get("txn/by-etcdctl").modRevision()).isEqualTo(revision);
        JsonNode stale = this.etcdctl.txn("mod(\"txn/mode\") = \"" + put.revision() + "\"\n\n"
                + "put txn/mode stale\n\n\n");
        assertThat(stale.path("succeeded").asBoolean(false)).isFalse();
        assertThat(this.kv.get("txn/mode").value()).isEqualTo("green");
    }
}
