package dev.etcdspring.core.kv;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.kv.RangeOptions.SortOrder;
import dev.etcdspring.core.kv.RangeOptions.SortTarget;
import dev.etcdspring.core.observation.DefaultEtcdObservationConvention;
import dev.etcdspring.test.EtcdClusterExtension;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A scan reads a range of any size page by page, lazily, at one revision: a prefix of 50,000 keys comes back whole,
 * each key once and in key order, in one request per page; keys written, changed or deleted while the stream is
 * read do not show; a scan at an older revision reads every page there; options that would break the paging are
 * refused.
 */
class KvScanTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final int BIG = 50_000;

    /** etcd's default {@code --max-txn-ops}. */
    private static final int TXN_OPS = 128;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private EtcdTemplate etcdTemplate;

    private EtcdKeyValueOperations kv;

    private static String big(int i) {
        return String.format("big/%06d", i);
    }

    /** 50,000 keys under {@code big/}, in transactions of 128 puts on four threads. */
    @BeforeAll
    static void writeBigPrefix() throws Exception {
        long start = System.nanoTime();
        try (EtcdTemplate writer = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build()) {
            EtcdKeyValueOperations kv = writer.opsForKeyValue();
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> batches = new ArrayList<>();
                for (int from = 0; from < BIG; from += TXN_OPS) {
                    int first = from;
                    batches.add(threads.submit(() -> {
                        List<Op> puts = IntStream.range(first, Math.min(first + TXN_OPS, BIG))
                            .mapToObj((i) -> (Op) Op.put(big(i), "v" + i))
                            .toList();
                        assertThat(kv.txn().then(puts).commit().succeeded()).isTrue();
                    }));
                }
                for (Future<?> batch : batches) {
                    batch.get();
                }
            }
            finally {
                threads.shutdown();
            }
            assertThat(kv.get("big/", RangeOptions.prefix().countOnly(true)).count()).isEqualTo(BIG);
        }
        System.out.printf("KvScanTest: wrote %d keys in %d ms%n", BIG, (System.nanoTime() - start) / 1_000_000);
    }

    @BeforeEach
    void connect() {
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3)
            .observationRegistry(observations).build();
        this.kv = this.etcdTemplate.opsForKeyValue();
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    /** How many range requests the template made. */
    private long ranges() {
        return this.meters.find(DefaultEtcdObservationConvention.NAME).tag("etcd.operation", "range").timers()
            .stream().mapToLong(Timer::count).sum();
    }

    @Test
    void aScanOfFiftyThousandKeysReadsEachOnceInKeyOrderAtOneRevisionPageByPage() {
        long start = System.nanoTime();
        Iterator<KeyValue> scan = this.kv.scan("big/", 1000).iterator();
        List<String> keys = new ArrayList<>(BIG);
        List<String> values = new ArrayList<>(BIG);
        KeyValue first = scan.next();
        keys.add(first.key());
        values.add(first.value());
        assertThat(ranges()).as("one page read").isEqualTo(1);

        // While the stream is read: keys added in the middle and at the end, one later key changed, one deleted.
        try {
            this.kv.put("big/025000+new", "new");
            this.kv.put("big/999999", "new");
            this.kv.put(big(40_000), "changed");
            this.kv.delete(big(45_000));

            while (scan.hasNext()) {
                KeyValue next = scan.next();
                keys.add(next.key());
                values.add(next.value());
            }
        }
        finally {
            this.kv.delete("big/025000+new");
            this.kv.delete("big/999999");
            this.kv.put(big(40_000), "v40000");
            this.kv.put(big(45_000), "v45000");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(keys).hasSize(BIG);
        assertThat(keys).isEqualTo(IntStream.range(0, BIG).mapToObj(KvScanTest::big).toList());
        assertThat(values.get(40_000)).as("the value at the scan's revision").isEqualTo("v40000");
        assertThat(values.get(45_000)).as("deleted after the scan began").isEqualTo("v45000");
        assertThat(ranges()).as("one request per page of 1000").isEqualTo(BIG / 1000);
        System.out.printf("KvScanTest: scanned %d keys in %d pages in %d ms%n", keys.size(), ranges(), millis);
    }

    @Test
    void aScanIsLazy() {
        Stream<KeyValue> stream = this.kv.scan("big/", 1000);
        assertThat(ranges()).as("nothing read before the stream is used").isZero();
        List<String> five = stream.limit(5).map(KeyValue::key).toList();
        assertThat(five).containsExactly(big(0), big(1), big(2), big(3), big(4));
        assertThat(ranges()).as("five keys take one page").isEqualTo(1);
    }

    @Test
    void aScanAtAnOlderRevisionReadsEveryPageThere() {
        for (int i = 0; i < 30; i++) {
            this.kv.put(String.format("old/%02d", i), "then");
        }
        long then = this.etcdTemplate.opsForKeyValue().get("old/", RangeOptions.prefix().countOnly(true)).revision();
        for (int i = 0; i < 30; i++) {
            this.kv.put(String.format("old/%02d", i), "now");
        }
        this.kv.put("old/99", "now");

        List<KeyValue> scanned = this.kv.scan(RawEtcd.utf8("old/"), RangeOptions.prefix().revision(then), 7).toList();
        assertThat(scanned).hasSize(30);
        assertThat(scanned).extracting(KeyValue::value).containsOnly("then");
        assertThat(ranges()).isEqualTo(1 + 5);
    }

    @Test
    void aScanOfAKeysOnlyRangeHasNoValues() {
        List<KeyValue> scanned = this.kv.scan(RawEtcd.utf8("big/00000"),
                RangeOptions.prefix().keysOnly(true), 3).toList();
        assertThat(scanned).extracting(KeyValue::key)
            .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(KvScanTest::big).toList());
        assertThat(scanned).allSatisfy((k) -> assertThat(k.valueBytes()).isEmpty());
        assertThat(scanned).allSatisfy((k) -> assertThat(k.modRevision()).isPositive());
    }

    @Test
    void aScanOfARangeToAnEndStopsBeforeIt() {
        List<String> scanned = this.kv.scan(RawEtcd.utf8(big(100)), RangeOptions.defaults().range(KeyRange.to(big(110))), 4)
            .map(KeyValue::key)
            .toList();
        assertThat(scanned).containsExactlyElementsOf(IntStream.range(100, 110).mapToObj(KvScanTest::big).toList());
    }

    @Test
    void aScanOfKeysThatAreEachOthersSuccessorsSkipsNoneAndRepeatsNone() {
        byte[] a = { 'z', 's', (byte) 0xFF };
        byte[] b = { 'z', 's', (byte) 0xFF, 0x00 };
        byte[] c = { 'z', 's', (byte) 0xFF, 0x00, 0x00 };
        byte[] d = { 'z', 's', (byte) 0xFF, 0x01 };
        byte[] e = { 'z', 's', (byte) 0xFF, (byte) 0xFF };
        for (byte[] key : List.of(e, c, a, d, b)) {
            this.kv.put(key, key, PutOptions.defaults());
        }
        List<byte[]> scanned = this.kv.scan(new byte[] { 'z', 's' }, RangeOptions.prefix(), 1)
            .map(KeyValue::keyBytes)
            .toList();
        assertThat(scanned).containsExactly(a, b, c, d, e);
    }

    @Test
    void aScanOfNothingIsEmptyAfterOneRequest() {
        assertThat(this.kv.scan("nothing/", 10)).isEmpty();
        assertThat(ranges()).isEqualTo(1);
    }

    @Test
    void aScanWhoseLastPageIsFullEndsThere() {
        List<String> scanned = this.kv.scan(RawEtcd.utf8(big(200)), RangeOptions.defaults().range(KeyRange.to(big(210))), 5)
            .map(KeyValue::key)
            .collect(Collectors.toList());
        assertThat(scanned).hasSize(10);
        assertThat(ranges()).as("two full pages; the second says there is no more").isEqualTo(2);
    }

    @Test
    void aScanRefusesALimitASortCountOnlyAndANonPositivePageSize() {
        byte[] key = RawEtcd.utf8("big/");
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.scan(key, RangeOptions.prefix().limit(10), 5))
            .withMessageContaining("limit");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.kv.scan(key, RangeOptions.prefix().sortBy(SortTarget.MOD, SortOrder.ASCEND), 5));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.kv.scan(key, RangeOptions.prefix().sortBy(SortTarget.KEY, SortOrder.DESCEND), 5));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.kv.scan(key, RangeOptions.prefix().countOnly(true), 5));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.scan("big/", 0)).withMessageContaining("pageSize");
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.scan("big/", -1));
        assertThat(ranges()).as("refused before any request").isZero();
        assertThat(this.kv.scan(key, RangeOptions.prefix().sortBy(SortTarget.KEY, SortOrder.ASCEND), 1000).limit(3))
            .as("key order ascending is the scan's own order").hasSize(3);
    }
}
