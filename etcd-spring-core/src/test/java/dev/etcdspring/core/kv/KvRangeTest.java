package dev.etcdspring.core.kv;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.kv.RangeOptions.SortOrder;
import dev.etcdspring.core.kv.RangeOptions.SortTarget;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Range reads of the v3-native API against a real etcd: one key with its metadata as etcd holds it, a key at an
 * older revision (and the errors for a compacted and a future one), serializable, keys-only and count-only reads,
 * prefixes, explicit ends and from-key ranges, limits, and every sort etcd offers; each result carries the header
 * revision an independent reader sees.
 */
class KvRangeTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final RawEtcd raw = new RawEtcd(etcd.endpoint());

    private EtcdTemplate etcdTemplate;

    private EtcdKeyValueOperations kv;

    @BeforeEach
    void connect() {
        this.raw.deleteAll();
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        this.kv = this.etcdTemplate.opsForKeyValue();
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    private void putAll(String... keys) {
        for (String key : keys) {
            this.kv.put(key, "value of " + key);
        }
    }

    private static List<String> keys(RangeResult result) {
        return result.kvs().stream().map(KeyValue::key).toList();
    }

    @Test
    void aMissingKeyIsNullAndAnEmptyResult() {
        assertThat(this.kv.get("missing")).isNull();
        RangeResult result = this.kv.get("missing", RangeOptions.defaults());
        assertThat(result.kvs()).isEmpty();
        assertThat(result.first()).isNull();
        assertThat(result.count()).isZero();
        assertThat(result.more()).isFalse();
        assertThat(result.revision()).isEqualTo(this.raw.revision());
    }

    @Test
    void aKeyComesWithTheMetadataEtcdHolds() {
        this.kv.put("meta", "1");
        this.kv.put("meta", "2");
        KeyValue read = this.kv.get("meta");
        JsonNode held = this.raw.kv(RawEtcd.utf8("meta"));
        assertThat(read.value()).isEqualTo("2");
        assertThat(read.createRevision()).isEqualTo(held.path("create_revision").asLong());
        assertThat(read.modRevision()).isEqualTo(held.path("mod_revision").asLong());
        assertThat(read.version()).isEqualTo(2).isEqualTo(held.path("version").asLong());
        assertThat(read.modRevision()).isEqualTo(read.createRevision() + 1);
        assertThat(read.lease()).isZero();
    }

    @Test
    void aReadAtARevisionSeesTheValueOfThen() {
        long first = this.kv.put("history", "old").revision();
        this.kv.put("history", "new");
        this.kv.delete("history");

        RangeResult then = this.kv.get("history", RangeOptions.defaults().revision(first));
        assertThat(then.first().value()).isEqualTo("old");
        assertThat(then.first().modRevision()).isEqualTo(first);
        assertThat(this.kv.get("history", RangeOptions.defaults().revision(first + 1)).first().value()).isEqualTo("new");
        assertThat(this.kv.get("history")).isNull();
        assertThat(then.revision()).as("the header revision: the keyspace's, not the one asked for")
            .isEqualTo(this.raw.revision());
    }

    @Test
    void aReadAtACompactedRevisionIsEventIndexCleared() {
        long old = this.kv.put("compacted", "old").revision();
        long now = this.kv.put("compacted", "new").revision();
        this.raw.compact(now);

        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.get("compacted", RangeOptions.defaults().revision(old)))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.EVENT_INDEX_CLEARED);
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.getMessage()).contains("compacted");
            });
        assertThat(this.kv.get("compacted", RangeOptions.defaults().revision(now)).first().value()).isEqualTo("new");
    }

    @Test
    void aReadAtAFutureRevisionFailsWithoutClaimingLostHistory() {
        long now = this.kv.put("future", "v").revision();
        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.get("future", RangeOptions.defaults().revision(now + 1000)))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isNotEqualTo(EtcdException.EVENT_INDEX_CLEARED);
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.getMessage()).contains("future");
            });
    }

    @Test
    void aSerializableReadSeesTheValueOnASingleMember() {
        long revision = this.kv.put("serial", "v").revision();
        RangeResult read = this.kv.get("serial", RangeOptions.defaults().serializable(true));
        assertThat(read.first().value()).isEqualTo("v");
        assertThat(read.revision()).isEqualTo(revision);
    }

    @Test
    void aKeysOnlyReadHasTheMetadataWithoutTheValues() {
        putAll("ko/a", "ko/b");
        RangeResult full = this.kv.get("ko/", RangeOptions.prefix());
        RangeResult keysOnly = this.kv.get("ko/", RangeOptions.prefix().keysOnly(true));

        assertThat(keys(keysOnly)).containsExactly("ko/a", "ko/b");
        assertThat(keysOnly.kvs()).allSatisfy((k) -> assertThat(k.valueBytes()).isEmpty());
        assertThat(keysOnly.kvs()).extracting(KeyValue::modRevision)
            .containsExactlyElementsOf(full.kvs().stream().map(KeyValue::modRevision).toList())
            .allSatisfy((r) -> assertThat(r).isPositive());
        assertThat(keysOnly.kvs()).extracting(KeyValue::createRevision)
            .containsExactlyElementsOf(full.kvs().stream().map(KeyValue::createRevision).toList());
        assertThat(keysOnly.kvs()).extracting(KeyValue::version).containsOnly(1L);
        assertThat(keysOnly.count()).isEqualTo(2);
    }

    @Test
    void aCountOnlyReadHasTheCountAndNoKeys() {
        putAll("co/a", "co/b", "co/c", "cp");
        RangeResult counted = this.kv.get("co/", RangeOptions.prefix().countOnly(true));
        assertThat(counted.count()).isEqualTo(3);
        assertThat(counted.kvs()).isEmpty();
        assertThat(counted.first()).isNull();
        assertThat(this.kv.get("none/", RangeOptions.prefix().countOnly(true)).count()).isZero();
    }

    @Test
    void aPrefixReadHasExactlyTheKeysThatStartWithIt() {
        putAll("p", "p/", "p/a", "p/a/deep", "p/b", "p0", "o/z", "q");
        assertThat(keys(this.kv.getPrefix("p/"))).containsExactly("p/", "p/a", "p/a/deep", "p/b");
        assertThat(keys(this.kv.get("p/a", RangeOptions.prefix()))).containsExactly("p/a", "p/a/deep");
        assertThat(keys(this.kv.getPrefix("p"))).containsExactly("p", "p/", "p/a", "p/a/deep", "p/b", "p0");
        assertThat(this.kv.getPrefix("p/").count()).isEqualTo(4);
    }

    @Test
    void aRangeToAnEndIncludesTheStartAndExcludesTheEnd() {
        putAll("a", "b", "b/x", "c", "d", "e");
        assertThat(keys(this.kv.get("b", RangeOptions.defaults().range(KeyRange.to("d")))))
            .containsExactly("b", "b/x", "c");
        assertThat(keys(this.kv.get(RawEtcd.utf8("b"), RangeOptions.defaults().range(KeyRange.to(RawEtcd.utf8("c"))))))
            .containsExactly("b", "b/x");
    }

    @Test
    void aRangeFromAKeyReachesTheEndOfTheKeyspace() {
        byte[] last = { (byte) 0xFF, (byte) 0xFF };
        putAll("a", "m", "n", "z");
        this.kv.put(last, RawEtcd.utf8("last"), PutOptions.defaults());
        assertThat(this.kv.get("m", RangeOptions.defaults().range(KeyRange.fromKey())).kvs())
            .extracting(KeyValue::keyBytes)
            .containsExactly(RawEtcd.utf8("m"), RawEtcd.utf8("n"), RawEtcd.utf8("z"), last);
    }

    @Test
    void aLimitCutsTheResultAndSaysThereIsMore() {
        putAll("l/1", "l/2", "l/3", "l/4", "l/5");
        RangeResult two = this.kv.get("l/", RangeOptions.prefix().limit(2));
        assertThat(keys(two)).containsExactly("l/1", "l/2");
        assertThat(two.more()).isTrue();
        assertThat(two.count()).as("the count ignores the limit").isEqualTo(5);

        RangeResult all = this.kv.get("l/", RangeOptions.prefix().limit(5));
        assertThat(all.kvs()).hasSize(5);
        assertThat(all.more()).isFalse();
        assertThat(this.kv.get("l/", RangeOptions.prefix().limit(0)).kvs()).as("0 is no limit").hasSize(5);
    }

    /**
     * Four keys whose key, create, mod, version and value orders all differ: created in the order s/3, s/1, s/4,
     * s/2; written again so that their versions are s/1 1, s/4 2, s/2 3, s/3 4 and their last writes come in the
     * order s/1, s/2, s/4, s/3; values d, b, a, c for s/1 to s/4.
     */
    private void writeSortable() {
        this.kv.put("s/3", "a");
        this.kv.put("s/1", "d");
        this.kv.put("s/4", "c");
        this.kv.put("s/2", "b");
        this.kv.put("s/3", "a");
        this.kv.put("s/2", "b");
        this.kv.put("s/3", "a");
        this.kv.put("s/2", "b");
        this.kv.put("s/4", "c");
        this.kv.put("s/3", "a");
    }

    static Stream<Arguments> sorts() {
        return Stream.of(SortTarget.values())
            .flatMap((t) -> Stream.of(Arguments.of(t, SortOrder.ASCEND), Arguments.of(t, SortOrder.DESCEND)));
    }

    private static Comparator<KeyValue> by(SortTarget target) {
        return switch (target) {
            case KEY -> Comparator.comparing(KeyValue::key);
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> Comparator.comparing(KeyValue::value);
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sorts")
    void aSortOrdersTheKeysByItsTarget(SortTarget target, SortOrder order) {
        writeSortable();
        List<KeyValue> inKeyOrder = this.kv.getPrefix("s/").kvs();
        assertThat(inKeyOrder).extracting(KeyValue::key).containsExactly("s/1", "s/2", "s/3", "s/4");
        Comparator<KeyValue> comparator = (order == SortOrder.ASCEND) ? by(target) : by(target).reversed();
        List<String> expected = inKeyOrder.stream().sorted(comparator).map(KeyValue::key).toList();
        if (target != SortTarget.KEY || order == SortOrder.DESCEND) {
            assertThat(expected).as("the data tells this sort from key order").isNotEqualTo(keys(this.kv.getPrefix("s/")));
        }

        RangeResult sorted = this.kv.get("s/", RangeOptions.prefix().sortBy(target, order));
        assertThat(keys(sorted)).containsExactlyElementsOf(expected);

        RangeResult firstTwo = this.kv.get("s/", RangeOptions.prefix().sortBy(target, order).limit(2));
        assertThat(keys(firstTwo)).as("the limit applies after the sort").containsExactlyElementsOf(expected.subList(0, 2));
        assertThat(firstTwo.more()).isTrue();
    }

    @Test
    void noSortOrderIsKeyOrder() {
        writeSortable();
        assertThat(keys(this.kv.get("s/", RangeOptions.prefix().sortBy(SortTarget.MOD, SortOrder.NONE))))
            .containsExactly("s/1", "s/2", "s/3", "s/4");
    }

    @Test
    void everyResultCarriesTheHeaderRevisionAnIndependentReaderSees() {
        PutResult put = this.kv.put("rev/a", "1");
        assertThat(put.revision()).isEqualTo(this.raw.revision());
        assertThat(this.kv.get("rev/a", RangeOptions.defaults()).revision()).isEqualTo(this.raw.revision());
        assertThat(this.kv.getPrefix("rev/").revision()).isEqualTo(this.raw.revision());
        assertThat(this.kv.get("rev/", RangeOptions.prefix().countOnly(true)).revision()).isEqualTo(this.raw.revision());
        long external = this.raw.put("rev/b", "2");
        assertThat(this.kv.get("rev/a", RangeOptions.defaults()).revision()).isEqualTo(external);
        DeleteResult deleted = this.kv.delete("rev/b");
        assertThat(deleted.revision()).isEqualTo(this.raw.revision()).isEqualTo(external + 1);
        DeleteResult none = this.kv.delete("rev/none");
        assertThat(none.revision()).as("a delete of nothing changes nothing").isEqualTo(external + 1);
        TxnResult txn = this.kv.txn().then(Op.put("rev/c", "3"), Op.get("rev/a")).commit();
        assertThat(txn.revision()).isEqualTo(this.raw.revision()).isEqualTo(external + 2);
        assertThat(txn.responses()).extracting(OpResult::revision).containsOnly(txn.revision());
    }
}
