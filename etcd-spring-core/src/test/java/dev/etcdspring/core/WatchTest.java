package dev.etcdspring.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a watch delivers, on both APIs, against a real etcd.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class WatchTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private EtcdTemplate etcdTemplate;

    private final List<EtcdResponse> events = new CopyOnWriteArrayList<>();

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    WatchTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void connect() {
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.etcdTemplate.deleteAll(null);
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    private EtcdWatch watch(String key, WatchOptions options) {
        return this.etcdTemplate.watch(key, options.onError(this.errors::add), this.events::add);
    }

    private List<String> actions() {
        return this.events.stream().map((e) -> e.action() + " " + e.node().key()).toList();
    }

    @Test
    void aKeysChangesArriveInOrderWithTheirPreviousValues() {
        try (EtcdWatch watch = watch("/w/key", WatchOptions.defaults())) {
            this.etcdTemplate.set("/w/key", "one");
            this.etcdTemplate.set("/w/key", "two");
            this.etcdTemplate.compareAndSet("/w/key", "two", "three");
            this.etcdTemplate.delete("/w/key");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 4);
            assertThat(this.events).extracting((e) -> e.node().value()).containsExactly("one", "two", "three", null);
            assertThat(this.events.get(1).prevNode().value()).isEqualTo("one");
            assertThat(this.events.get(3).prevNode().value()).isEqualTo("three");
            assertThat(this.events.get(3).action()).isEqualTo("delete");
            assertThat(this.events.get(0).action()).isIn("set", "create");
            assertThat(this.events.get(2).action()).isEqualTo((this.api == EtcdApi.V2) ? "compareAndSwap" : "set");
            assertThat(this.events).extracting(EtcdResponse::etcdIndex).isSorted().doesNotHaveDuplicates();
            assertThat(this.events).allSatisfy((e) -> assertThat(e.etcdIndex()).isEqualTo(e.node().modifiedIndex()));
            assertThat(watch.nextIndex()).isEqualTo(this.events.get(3).etcdIndex() + 1);
        }
        assertThat(this.errors).isEmpty();
    }

    @Test
    void aRecursiveWatchSeesDeepChangesAndNotItsNeighbours() {
        try (EtcdWatch watch = watch("/tree", WatchOptions.defaults().recursive(true))) {
            this.etcdTemplate.set("/tree/a", "1");
            this.etcdTemplate.set("/tree-neighbour", "not mine");
            this.etcdTemplate.set("/tree/b/c/d", "2");
            this.etcdTemplate.set("/other", "not mine");
            this.etcdTemplate.delete("/tree/a");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 3);
            assertThat(actions()).containsExactly(this.events.get(0).action() + " /tree/a",
                    this.events.get(1).action() + " /tree/b/c/d", "delete /tree/a");
        }
    }

    @Test
    void aNonRecursiveWatchOfADirectoryIgnoresItsChildren() {
        this.etcdTemplate.set("/dir/child", "x");
        try (EtcdWatch watch = watch("/dir", WatchOptions.defaults())) {
            this.etcdTemplate.set("/dir/child", "y");
            this.etcdTemplate.set("/dirkey", "marker");
            try (EtcdWatch marker = this.etcdTemplate.watch("/dir/child", WatchOptions.defaults(), (e) -> { })) {
                this.etcdTemplate.set("/dir/child", "z");
            }
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(this.events::isEmpty);
        }
    }

    @Test
    void fromIndexReplaysEarlierChanges() {
        long first = this.etcdTemplate.set("/replay/k", "1").node().modifiedIndex();
        this.etcdTemplate.set("/replay/k", "2");
        this.etcdTemplate.set("/replay/k", "3");
        try (EtcdWatch watch = watch("/replay/k", WatchOptions.defaults().fromIndex(first))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 3);
            assertThat(this.events).extracting((e) -> e.node().value()).containsExactly("1", "2", "3");
            this.etcdTemplate.set("/replay/k", "4");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 4);
        }
    }

    @Test
    void withoutFromIndexOnlyLaterChangesArrive() {
        this.etcdTemplate.set("/later/k", "before");
        try (EtcdWatch watch = watch("/later/k", WatchOptions.defaults())) {
            this.etcdTemplate.set("/later/k", "after");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);
            assertThat(this.events.get(0).node().value()).isEqualTo("after");
        }
    }

    @Test
    void deletingAnAncestorReachesTheWatcherOfADescendant() {
        this.etcdTemplate.set("/anc/b/c", "leaf");
        try (EtcdWatch watch = watch("/anc/b/c", WatchOptions.defaults())) {
            this.etcdTemplate.deleteAll("/anc");
            await().atMost(Duration.ofSeconds(10)).until(() -> !this.events.isEmpty());
            EtcdResponse event = this.events.get(0);
            assertThat(event.action()).isEqualTo("delete");
            // v2 deletes the directory /anc/b and tells the descendant's watcher so; v3 deletes the key itself
            assertThat(event.node().key()).isEqualTo((this.api == EtcdApi.V2) ? "/anc/b" : "/anc/b/c");
        }
    }

    @Test
    void expiryArrivesAsExpire() {
        try (EtcdWatch watch = watch("/ttl", WatchOptions.defaults().recursive(true))) {
            this.etcdTemplate.set("/ttl/session", "alive", WriteOptions.defaults().ttl(Duration.ofSeconds(1)));
            this.etcdTemplate.set("/ttl/deleted", "by hand", WriteOptions.defaults().ttl(Duration.ofSeconds(30)));
            this.etcdTemplate.delete("/ttl/deleted");
            await().atMost(Duration.ofSeconds(15)).until(() -> this.events.size() == 4);
            assertThat(actions()).contains("delete /ttl/deleted", "expire /ttl/session");
            EtcdResponse expired = this.events.stream().filter((e) -> e.action().equals("expire")).findFirst().get();
            assertThat(expired.prevNode().value()).isEqualTo("alive");
        }
    }

    @Test
    void hiddenKeysAreLeftOutLiveAndReplayed() {
        long start = this.etcdTemplate.set("/h/open", "1").node().modifiedIndex();
        this.etcdTemplate.set("/h/_hidden", "x");
        this.etcdTemplate.set("/h/sub/_deep", "y");
        this.etcdTemplate.set("/h/open", "2");
        try (EtcdWatch watch = watch("/h", WatchOptions.defaults().recursive(true).fromIndex(start))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 2);
            this.etcdTemplate.set("/h/_hidden", "live");
            this.etcdTemplate.set("/h/open", "3");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 3);
            assertThat(this.events).extracting((e) -> e.node().key()).containsOnly("/h/open");
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheWatch() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (EtcdWatch watch = this.etcdTemplate.watch("/boom", WatchOptions.defaults().onError(this.errors::add),
                (e) -> {
                    seen.add(e.node().value());
                    if (e.node().value().equals("first")) {
                        throw new IllegalStateException("listener broke");
                    }
                })) {
            this.etcdTemplate.set("/boom", "first");
            this.etcdTemplate.set("/boom", "second");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            assertThat(this.errors).singleElement().satisfies((e) -> assertThat(e).hasMessage("listener broke"));
            assertThat(watch.isOpen()).isTrue();
        }
    }

    @Test
    void closeEndsTheWatchAndItsThreadAtOnce() {
        EtcdWatch watch = watch("/closing", WatchOptions.defaults());
        await().atMost(Duration.ofSeconds(5)).until(() -> threads("etcd-watch /closing") == 1);
        watch.close();
        assertThat(watch.isOpen()).isFalse();
        assertThat(threads("etcd-watch /closing")).as("close() returns once the thread is gone").isZero();
        this.etcdTemplate.set("/closing", "after close");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(this.events::isEmpty);
    }

    @Test
    void watchRequestsAreNotObservedAsHttpClientRequests() {
        List<String> observed = new CopyOnWriteArrayList<>();
        io.micrometer.observation.ObservationRegistry registry = io.micrometer.observation.ObservationRegistry.create();
        registry.observationConfig().observationHandler(
                new io.micrometer.observation.ObservationHandler<io.micrometer.observation.Observation.Context>() {
                    @Override
                    public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
                        return context instanceof org.springframework.http.client.observation.ClientRequestObservationContext;
                    }

                    @Override
                    public void onStart(io.micrometer.observation.Observation.Context context) {
                        observed.add(((org.springframework.http.client.observation.ClientRequestObservationContext) context)
                            .getCarrier().getURI().toString());
                    }
                });
        try (EtcdTemplate observing = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .restClientBuilder(org.springframework.web.client.RestClient.builder().observationRegistry(registry))
            .build(); EtcdWatch watch = observing.watch("/observed", WatchOptions.defaults(), this.events::add)) {
            observing.set("/observed", "v");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);
            assertThat(observed).as("ordinary requests are observed").anyMatch((uri) -> uri.contains("observed")
                    || uri.contains("/v3/kv/"));
            assertThat(observed).noneMatch((uri) -> uri.contains("wait=true") || uri.contains("/v3/watch"));
        }
    }

    static long threads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().equals(name) && t.isAlive()).count();
    }
}
