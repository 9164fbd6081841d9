package dev.etcdspring.core.kv;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Transactions of the v3-native API against a real etcd: comparisons on each target etcd has (value, version,
 * create revision, mod revision, lease), on one key and over a prefix; the branch that ran and each of its results,
 * typed; read-only transactions; and the transactions refused, by etcd (two writes to one key, too many
 * operations: nothing written) or before any request (a value compared with a number, a second commit).
 */
class KvTxnTest {

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
        this.etcdTemplate.opsForLeases().list().forEach(this.etcdTemplate.opsForLeases()::revoke);
        this.etcdTemplate.close();
    }

    /** Whether a transaction with this comparison alone runs its then branch (which writes nothing). */
    private boolean holds(Compare compare) {
        return this.kv.txn().when(compare).commit().succeeded();
    }

    @Test
    void aValueComparisonThatHoldsRunsTheThenBranch() {
        this.kv.put("t/mode", "blue");
        TxnResult result = this.kv.txn()
            .when(Compare.value("t/mode").isEqualTo("blue"))
            .then(Op.put("t/mode", "green"))
            .otherwise(Op.get("t/mode"))
            .commit();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.responses()).singleElement().isInstanceOf(PutResult.class);
        assertThat(result.response(0, PutResult.class).revision()).isEqualTo(result.revision())
            .isEqualTo(this.raw.revision());
        assertThat(this.kv.get("t/mode").value()).isEqualTo("green");
    }

    @Test
    void aValueComparisonThatFailsRunsTheOtherwiseBranch() {
        this.kv.put("t/mode", "green");
        long before = this.raw.revision();
        TxnResult result = this.kv.txn()
            .when(Compare.value("t/mode").isEqualTo("blue"))
            .then(Op.put("t/mode", "red"))
            .otherwise(Op.get("t/mode"))
            .commit();
        assertThat(result.succeeded()).isFalse();
        RangeResult current = result.response(0, RangeResult.class);
        assertThat(current.first().value()).isEqualTo("green");
        assertThat(result.revision()).as("nothing written").isEqualTo(before).isEqualTo(this.raw.revision());
        assertThat(this.kv.get("t/mode").value()).isEqualTo("green");
    }

    @Test
    void valueComparisonsCompareBytes() {
        this.kv.put(RawEtcd.utf8("t/v"), new byte[] { 0x00, (byte) 0xFF }, PutOptions.defaults());
        assertThat(holds(Compare.value(RawEtcd.utf8("t/v")).isEqualTo(new byte[] { 0x00, (byte) 0xFF }))).isTrue();
        assertThat(holds(Compare.value("t/v").isNotEqualTo(new byte[] { 0x00 }))).isTrue();
        assertThat(holds(Compare.value("t/v").isNotEqualTo(new byte[] { 0x00, (byte) 0xFF }))).isFalse();
        assertThat(holds(Compare.value("t/v").isGreaterThan(new byte[] { 0x00, (byte) 0x7F }))).isTrue();
        assertThat(holds(Compare.value("t/v").isLessThan(new byte[] { 0x00, (byte) 0x7F }))).isFalse();
        assertThat(holds(Compare.value("t/v").isLessThan(new byte[] { 0x01 }))).isTrue();
        assertThat(holds(Compare.value("t/v").isEqualTo("text"))).isFalse();
        assertThat(holds(Compare.value("t/v").isNotEqualTo("text"))).isTrue();
    }

    @Test
    void aValueComparisonOfAMissingKeyFails() {
        assertThat(holds(Compare.value("t/missing").isEqualTo(""))).isFalse();
        assertThat(holds(Compare.value("t/missing").isNotEqualTo("x"))).isFalse();
    }

    @Test
    void versionComparisons() {
        this.kv.put("t/ver", "1");
        this.kv.put("t/ver", "2");
        assertThat(holds(Compare.version("t/ver").isEqualTo(2))).isTrue();
        assertThat(holds(Compare.version("t/ver").isEqualTo(1))).isFalse();
        assertThat(holds(Compare.version("t/ver").isGreaterThan(1))).isTrue();
        assertThat(holds(Compare.version("t/ver").isLessThan(2))).isFalse();
        assertThat(holds(Compare.version("t/ver").isNotEqualTo(3))).isTrue();
        assertThat(holds(Compare.version("t/none").isEqualTo(0))).as("a missing key has version 0").isTrue();
    }

    @Test
    void createRevisionZeroCreatesOnlyIfAbsent() {
        TxnResult first = this.kv.txn()
            .when(Compare.createRevision("t/lock").isEqualTo(0))
            .then(Op.put("t/lock", "first"))
            .otherwise(Op.get("t/lock"))
            .commit();
        TxnResult second = this.kv.txn()
            .when(Compare.createRevision("t/lock").isEqualTo(0))
            .then(Op.put("t/lock", "second"))
            .otherwise(Op.get("t/lock"))
            .commit();
        assertThat(first.succeeded()).isTrue();
        assertThat(second.succeeded()).isFalse();
        KeyValue holder = second.response(0, RangeResult.class).first();
        assertThat(holder.value()).isEqualTo("first");
        assertThat(holder.createRevision()).isEqualTo(first.revision());
        assertThat(holds(Compare.createRevision("t/lock").isEqualTo(first.revision()))).isTrue();
        assertThat(this.kv.get("t/lock").value()).isEqualTo("first");
    }

    @Test
    void modRevisionComparisonIsACompareAndSwap() {
        long written = this.kv.put("t/cas", "1").revision();
        this.kv.put("t/other", "moves the revision");

        assertThat(this.kv.txn()
            .when(Compare.modRevision("t/cas").isEqualTo(written))
            .then(Op.put("t/cas", "2"))
            .commit()
            .succeeded()).isTrue();
        assertThat(this.kv.txn()
            .when(Compare.modRevision("t/cas").isEqualTo(written))
            .then(Op.put("t/cas", "3"))
            .commit()
            .succeeded()).as("the key moved on").isFalse();
        assertThat(this.kv.get("t/cas").value()).isEqualTo("2");
        assertThat(holds(Compare.modRevision("t/cas").isGreaterThan(written))).isTrue();
        assertThat(holds(Compare.modRevision("t/cas").isLessThan(written))).isFalse();
    }

    @Test
    void leaseComparisons() {
        long lease = this.etcdTemplate.opsForLeases().grant(Duration.ofSeconds(60)).id();
        this.kv.put("t/leased", "v", PutOptions.defaults().lease(lease));
        this.kv.put("t/unleased", "v");
        assertThat(holds(Compare.lease("t/leased").isEqualTo(lease))).isTrue();
        assertThat(holds(Compare.lease("t/leased").isEqualTo(0))).isFalse();
        assertThat(holds(Compare.lease("t/unleased").isEqualTo(0))).isTrue();
        assertThat(holds(Compare.lease("t/unleased").isNotEqualTo(lease))).isTrue();
    }

    @Test
    void aComparisonOverAPrefixHoldsOnlyIfItHoldsForEveryKey() {
        this.kv.put("t/p/a", "same");
        this.kv.put("t/p/b", "same");
        this.kv.put("t/pz", "other");
        long now = this.raw.revision();
        assertThat(holds(Compare.value("t/p/").over(KeyRange.prefix()).isEqualTo("same"))).isTrue();
        assertThat(holds(Compare.value("t/p").over(KeyRange.prefix()).isEqualTo("same"))).isFalse();
        assertThat(holds(Compare.createRevision("t/p/").over(KeyRange.prefix()).isLessThan(now + 1))).isTrue();
        assertThat(holds(Compare.version("t/p/").over(KeyRange.prefix()).isEqualTo(1))).isTrue();

        this.kv.put("t/p/c", "different");
        assertThat(holds(Compare.value("t/p/").over(KeyRange.prefix()).isEqualTo("same"))).isFalse();
        assertThat(holds(Compare.createRevision("t/p/").over(KeyRange.prefix()).isLessThan(now + 1))).isFalse();
        assertThat(holds(Compare.version("t/p/").over(KeyRange.to("t/p/c")).isEqualTo(1))).as("a range to an end")
            .isTrue();
    }

    @Test
    void everyComparisonMustHold() {
        this.kv.put("t/a", "1");
        this.kv.put("t/b", "2");
        assertThat(this.kv.txn()
            .when(Compare.value("t/a").isEqualTo("1"), Compare.value("t/b").isEqualTo("2"))
            .commit()
            .succeeded()).isTrue();
        assertThat(this.kv.txn()
            .when(Compare.value("t/a").isEqualTo("1"))
            .when(List.of(Compare.value("t/b").isEqualTo("wrong")))
            .commit()
            .succeeded()).isFalse();
    }

    @Test
    void aTransactionWithoutComparisonsRunsItsThenBranch() {
        TxnResult result = this.kv.txn().then(Op.put("t/plain", "v")).otherwise(Op.delete("t/plain")).commit();
        assertThat(result.succeeded()).isTrue();
        assertThat(this.kv.get("t/plain").value()).isEqualTo("v");
    }

    @Test
    void aBranchOfPutsDeletesAndGetsGivesOneTypedResultPerOperationInOrder() {
        this.kv.put("t/old", "old value");
        this.kv.put("t/gone", "gone value");
        this.kv.put("t/r/1", "one");
        this.kv.put("t/r/2", "two");
        TxnResult result = this.kv.txn()
            .when(Compare.version("t/old").isGreaterThan(0))
            .then(Op.put("t/new", "new value", PutOptions.defaults().prevKv(true)),
                    Op.put("t/old", "replaced", PutOptions.defaults().prevKv(true)),
                    Op.delete("t/gone", DeleteOptions.defaults().prevKv(true)),
                    Op.get("t/r/", RangeOptions.prefix()),
                    Op.get("t/new"),
                    Op.delete("t/r/", DeleteOptions.prefix()))
            .commit();

        assertThat(result.succeeded()).isTrue();
        assertThat(result.responses()).hasSize(6);
        assertThat(result.response(0, PutResult.class).prevKv()).isNull();
        assertThat(result.response(1, PutResult.class).prevKv().value()).isEqualTo("old value");
        DeleteResult deleted = result.response(2, DeleteResult.class);
        assertThat(deleted.deleted()).isEqualTo(1);
        assertThat(deleted.prevKvs()).singleElement().satisfies((k) -> assertThat(k.value()).isEqualTo("gone value"));
        RangeResult range = result.response(3, RangeResult.class);
        assertThat(range.kvs()).extracting(KeyValue::value).containsExactly("one", "two");
        assertThat(range.count()).isEqualTo(2);
        assertThat(result.response(4, RangeResult.class).first().value()).as("a get sees the branch's own put")
            .isEqualTo("new value");
        assertThat(result.response(5, DeleteResult.class).deleted()).isEqualTo(2);
        assertThat(result.responses()).extracting(OpResult::revision).containsOnly(result.revision());

        assertThat(this.raw.allKeys()).containsExactly(RawEtcd.utf8("t/new"), RawEtcd.utf8("t/old"));
        assertThat(this.kv.get("t/old").value()).isEqualTo("replaced");
        assertThat(result.revision()).as("one revision for the whole transaction").isEqualTo(this.raw.revision());
        assertThat(this.kv.get("t/new").modRevision()).isEqualTo(this.kv.get("t/old").modRevision())
            .isEqualTo(result.revision());
    }

    @Test
    void aPutAndADeleteOfOneKeyAreRefusedByEtcd() {
        this.kv.put("t/both", "v");
        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.txn().then(Op.put("t/both", "w"), Op.delete("t/both")).commit())
            .satisfies((e) -> assertThat(e.getHttpStatus()).isEqualTo(400));
        assertThat(this.kv.get("t/both").value()).isEqualTo("v");
    }

    @Test
    void aResultAskedForAsAnotherTypeIsRefusedNamingBoth() {
        TxnResult result = this.kv.txn().then(Op.put("t/typed", "v")).commit();
        assertThatIllegalArgumentException().isThrownBy(() -> result.response(0, RangeResult.class))
            .withMessageContaining("PutResult")
            .withMessageContaining("RangeResult");
    }

    @Test
    void aGetInATransactionTakesItsRangeOptions() {
        for (String key : List.of("t/g/a", "t/g/b", "t/g/c")) {
            this.kv.put(key, "v");
        }
        this.kv.put("t/g/a", "again");
        TxnResult result = this.kv.txn()
            .then(Op.get("t/g/", RangeOptions.prefix().limit(2)),
                    Op.get("t/g/", RangeOptions.prefix().countOnly(true)),
                    Op.get("t/g/", RangeOptions.prefix().keysOnly(true)
                        .sortBy(RangeOptions.SortTarget.MOD, RangeOptions.SortOrder.DESCEND)))
            .commit();
        RangeResult limited = result.response(0, RangeResult.class);
        assertThat(limited.kvs()).extracting(KeyValue::key).containsExactly("t/g/a", "t/g/b");
        assertThat(limited.more()).isTrue();
        assertThat(result.response(1, RangeResult.class).count()).isEqualTo(3);
        assertThat(result.response(1, RangeResult.class).kvs()).isEmpty();
        RangeResult sorted = result.response(2, RangeResult.class);
        assertThat(sorted.kvs()).extracting(KeyValue::key).containsExactly("t/g/a", "t/g/c", "t/g/b");
        assertThat(sorted.kvs()).allSatisfy((k) -> assertThat(k.valueBytes()).isEmpty());
    }

    @Test
    void aGetInATransactionAtAnOlderRevisionSeesThen() {
        long then = this.kv.put("t/hist", "then").revision();
        this.kv.put("t/hist", "now");
        TxnResult result = this.kv.txn().then(Op.get("t/hist", RangeOptions.defaults().revision(then))).commit();
        assertThat(result.response(0, RangeResult.class).first().value()).isEqualTo("then");
    }

    @Test
    void aReadOnlyTransactionChangesNothing() {
        this.kv.put("t/ro", "v");
        long before = this.raw.revision();
        TxnResult result = this.kv.txn()
            .when(Compare.value("t/ro").isEqualTo("v"))
            .then(Op.get("t/ro"))
            .otherwise(Op.get("t/other"))
            .commit();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.response(0, RangeResult.class).first().value()).isEqualTo("v");
        assertThat(result.revision()).isEqualTo(before);
        assertThat(this.raw.revision()).isEqualTo(before);
    }

    @Test
    void aFailedComparisonWithoutAnOtherwiseBranchRunsNothing() {
        TxnResult result = this.kv.txn().when(Compare.version("t/none").isGreaterThan(0))
            .then(Op.put("t/none", "v"))
            .commit();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.responses()).isEmpty();
        assertThat(this.raw.allKeys()).isEmpty();
    }

    @Test
    void twoPutsOfOneKeyAreRefusedByEtcdAndWriteNothing() {
        long before = this.raw.revision();
        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.txn().then(Op.put("t/dup", "1"), Op.put("t/other", "x"), Op.put("t/dup", "2"))
                .commit())
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.getErrorCode()).isZero();
                assertThat(e.getMessage()).contains("duplicate key");
                assertThat(e.isOutcomeUnknown()).as("refused, not lost").isFalse();
            });
        assertThat(this.raw.revision()).isEqualTo(before);
        assertThat(this.raw.allKeys()).isEmpty();
    }

    @Test
    void moreOperationsThanEtcdAllowsAreRefusedByEtcdAndWriteNothing() {
        List<Op> puts = IntStream.range(0, 129).mapToObj((i) -> (Op) Op.put("t/many/" + i, "v")).toList();
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> this.kv.txn().then(puts).commit())
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.getMessage()).contains("too many operations");
            });
        assertThat(this.raw.allKeys()).isEmpty();
        assertThat(this.kv.txn().then(puts.subList(0, 128)).commit().succeeded()).as("128 is etcd's default limit")
            .isTrue();
    }

    @Test
    void aValueComparedWithANumberOrANumberWithAValueIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Compare.value("t/k").isEqualTo(5L))
            .withMessageContaining("t/k");
        assertThatIllegalArgumentException().isThrownBy(() -> Compare.value("t/k").isGreaterThan(5));
        assertThatIllegalArgumentException().isThrownBy(() -> Compare.version("t/k").isEqualTo("5"))
            .withMessageContaining("number");
        assertThatIllegalArgumentException().isThrownBy(() -> Compare.modRevision("t/k").isLessThan(new byte[] { 5 }));
    }

    @Test
    void aTransactionIsCommittedOnce() {
        EtcdTxn txn = this.kv.txn().then(Op.put("t/once", "v"));
        long revision = txn.commit().revision();
        assertThatIllegalStateException().isThrownBy(txn::commit).withMessageContaining("committed");
        assertThat(this.raw.revision()).as("the second commit sent nothing").isEqualTo(revision);
    }

    @Test
    void aTransactionRefusedByEtcdCannotBeCommittedAgain() {
        EtcdTxn txn = this.kv.txn().then(Op.put("t/dup", "1"), Op.put("t/dup", "2"));
        assertThatExceptionOfType(EtcdException.class).isThrownBy(txn::commit);
        assertThatIllegalStateException().isThrownBy(txn::commit);
    }

    @Test
    void nullComparisonsAndOperationsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.txn().when((Compare[]) null));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.txn().then((Op) null));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.txn().otherwise((List<Op>) null));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.txn().timeout(Duration.ZERO));
    }
}
