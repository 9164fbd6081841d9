package dev.etcdspring.core.kv;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.kv.KvWatchEvent.Type;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watches of the v3-native API whose history etcd compacted away: a watch from a compacted revision, and one cut
 * off from etcd while the history it needed was compacted, each deliver one {@link Type#RESYNC} whose state is the
 * watched range as it is (read page by page at one revision, however large), then the changes after it.
 */
class KvWatchResyncTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RawEtcd raw = new RawEtcd(etcd.endpoint());

    private final List<KvWatchEvent> events = new CopyOnWriteArrayList<>();

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

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

    private static List<String> state(KvWatchEvent resync) {
        return resync.state().stream().map((k) -> k.key() + "=" + k.value()).toList();
    }

    @Test
    void aWatchFromACompactedRevisionStartsWithOneResyncOfTheRangeAsItIs() {
        long first = this.kv.put("rs/a", "1").revision();
        this.kv.put("rs/b", "1");
        this.kv.put("rs/a", "2");
        this.kv.delete("rs/b");
        this.kv.put("rs/c", "1");
        this.kv.put("other", "not watched");
        long compacted = this.raw.revision();
        this.raw.compact(compacted);

        try (EtcdWatch watch = this.kv.watch("rs/", KvWatchOptions.prefix().fromRevision(first)
            .onError(this.errors::add), this.events::add)) {
            await().atMost(WAIT).until(() -> this.events.size() == 1);
            KvWatchEvent resync = this.events.get(0);
            assertThat(resync.type()).isEqualTo(Type.RESYNC);
            assertThat(state(resync)).containsExactly("rs/a=2", "rs/c=1");
            assertThat(resync.revision()).isEqualTo(compacted);
            assertThat(resync.kv()).isNull();
            assertThat(resync.prevKv()).isNull();

            long after = this.kv.put("rs/d", "1").revision();
            await().atMost(WAIT).until(() -> this.events.size() == 2);
            assertThat(this.events.get(1).type()).isEqualTo(Type.PUT);
            assertThat(this.events.get(1).kv().key()).isEqualTo("rs/d");
            assertThat(this.events.get(1).revision()).isEqualTo(after);
            assertThat(watch.nextIndex()).isEqualTo(after + 1);
        }
        assertThat(this.events).filteredOn((e) -> e.type() == Type.RESYNC).hasSize(1);
    }

    @Test
    void aWatchFromTheCompactedRevisionItselfNeedsNoResync() {
        this.kv.put("rk/a", "1");
        long compacted = this.kv.put("rk/a", "2").revision();
        this.raw.compact(compacted);
        try (EtcdWatch watch = this.kv.watch("rk/a", KvWatchOptions.defaults().fromRevision(compacted),
                this.events::add)) {
            await().atMost(WAIT).until(() -> this.events.size() == 1);
            assertThat(this.events.get(0).type()).isEqualTo(Type.PUT);
            assertThat(this.events.get(0).kv().value()).isEqualTo("2");
        }
    }

    @Test
    void aResyncOfAKeyThatIsGoneHasAnEmptyState() {
        long first = this.kv.put("rg/key", "1").revision();
        this.kv.delete("rg/key");
        this.raw.compact(this.raw.revision());
        try (EtcdWatch watch = this.kv.watch("rg/key", KvWatchOptions.defaults().fromRevision(first),
                this.events::add)) {
            await().atMost(WAIT).until(() -> this.events.size() == 1);
            assertThat(this.events.get(0).type()).isEqualTo(Type.RESYNC);
            assertThat(this.events.get(0).state()).isEmpty();
        }
    }

    @Test
    void aResyncOfARangeLargerThanOnePageHasEveryKeyOnceInKeyOrder() {
        long first = this.raw.revision() + 1;
        for (int from = 0; from < 2500; from += 125) {
            int start = from;
            this.kv.txn()
                .then(IntStream.range(start, start + 125).mapToObj((i) -> (Op) Op.put(String.format("rl/%05d", i), "v"))
                    .toList())
                .commit();
        }
        this.raw.compact(this.raw.revision());
        try (EtcdWatch watch = this.kv.watch("rl/", KvWatchOptions.prefix().fromRevision(first), this.events::add)) {
            await().atMost(WAIT).until(() -> this.events.size() == 1);
            assertThat(this.events.get(0).type()).isEqualTo(Type.RESYNC);
            assertThat(this.events.get(0).state()).extracting(KeyValue::key)
                .containsExactlyElementsOf(IntStream.range(0, 2500).mapToObj((i) -> String.format("rl/%05d", i)).toList());
        }
    }

    @Test
    void aWatchCutOffWhileItsHistoryWasCompactedResyncsOnceAndGoesOn() {
        this.kv.put("rc/before", "1");
        try (TcpProxy link = TcpProxy.to(etcd.endpoint());
                EtcdTemplate watching = EtcdTemplate.builder().endpoints(link.url()).api(EtcdApi.V3)
                    .watchBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
                EtcdWatch watch = watching.opsForKeyValue().watch("rc/", KvWatchOptions.prefix().prevKv(true)
                    .onError(this.errors::add), this.events::add)) {
            this.kv.put("rc/live", "2");
            await().atMost(WAIT).until(() -> this.events.size() == 1);
            assertThat(this.events.get(0).type()).isEqualTo(Type.PUT);

            link.cut();
            this.kv.put("rc/in-the-gap", "3");
            this.kv.delete("rc/live");
            this.kv.put("rc/before", "changed in the gap");
            long gap = this.raw.revision();
            this.raw.compact(gap);
            link.restore();

            await().atMost(WAIT).until(() -> this.events.size() == 2);
            KvWatchEvent resync = this.events.get(1);
            assertThat(resync.type()).isEqualTo(Type.RESYNC);
            assertThat(state(resync)).containsExactly("rc/before=changed in the gap", "rc/in-the-gap=3");
            assertThat(resync.revision()).isGreaterThanOrEqualTo(gap);

            long after = this.kv.put("rc/after", "4").revision();
            await().atMost(WAIT).until(() -> this.events.size() == 3);
            assertThat(this.events.get(2).type()).isEqualTo(Type.PUT);
            assertThat(this.events.get(2).kv().key()).isEqualTo("rc/after");
            assertThat(this.events.get(2).revision()).isEqualTo(after).isGreaterThan(resync.revision());
            assertThat(this.events).filteredOn((e) -> e.type() == Type.RESYNC).hasSize(1);
            assertThat(this.errors).as("the outage was reported").isNotEmpty();
        }
    }
}
