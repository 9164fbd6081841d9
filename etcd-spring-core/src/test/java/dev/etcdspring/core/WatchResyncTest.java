package dev.etcdspring.core;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watches whose history is gone, on both APIs: v2 keeps the last 1000 events, v3 forgets what compaction removed.
 * The watch then delivers one {@code resync} with the whole current state, and ordinary changes after it.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class WatchResyncTest {

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private EtcdTemplate direct;

    private final List<EtcdResponse> events = new CopyOnWriteArrayList<>();

    WatchResyncTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void connect() {
        this.direct = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(this.api).build();
    }

    @AfterEach
    void close() {
        this.direct.close();
    }

    /** Makes the history before now unavailable: 1100 writes elsewhere on v2, a compaction on v3. */
    private void forgetHistory() throws IOException, InterruptedException {
        if (this.api == EtcdApi.V2) {
            // in parallel: etcd commits each write with an fsync
            java.util.stream.IntStream.range(0, 1100).parallel()
                .forEach((i) -> this.direct.set("/elsewhere/" + (i % 10), Integer.toString(i)));
        }
        else {
            long revision = this.direct.set("/elsewhere/last", "x").etcdIndex();
            HttpResponse<String> compacted = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create(this.etcd.endpoint() + "/v3/kv/compaction"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"revision\":\"" + revision + "\",\"physical\":true}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(compacted.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aWatchDisconnectedWhileItsHistoryWasLostResyncsOnceAndGoesOn() throws Exception {
        this.direct.set("/rs/before", "1");
        try (TcpProxy link = TcpProxy.to(this.etcd.endpoint());
                EtcdTemplate watching = EtcdTemplate.builder().endpoints(link.url()).api(this.api)
                    .watchBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
                EtcdWatch watch = watching.watch("/rs", WatchOptions.defaults().recursive(true), this.events::add)) {
            this.direct.set("/rs/live", "2");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);

            link.cut();
            this.direct.set("/rs/in-the-gap", "3");
            this.direct.delete("/rs/live");
            forgetHistory();
            link.restore();

            await().atMost(Duration.ofSeconds(20)).until(() -> this.events.size() == 2);
            EtcdResponse resync = this.events.get(1);
            assertThat(resync.action()).isEqualTo("resync");
            assertThat(resync.node().key()).isEqualTo("/rs");
            assertThat(resync.node().nodes()).extracting(EtcdNode::key).containsExactly("/rs/before", "/rs/in-the-gap");

            this.direct.set("/rs/after", "4");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 3);
            assertThat(this.events.get(2).node().key()).isEqualTo("/rs/after");
            assertThat(this.events.get(2).etcdIndex()).isGreaterThan(resync.etcdIndex());
            assertThat(this.events).filteredOn((e) -> e.action().equals("resync")).hasSize(1);
        }
    }

    @Test
    void aWatchFromAForgottenIndexStartsWithAResync() throws Exception {
        long first = this.direct.set("/old/k", "1").node().modifiedIndex();
        this.direct.set("/old/k", "2");
        forgetHistory();
        try (EtcdWatch watch = this.direct.watch("/old/k", WatchOptions.defaults().fromIndex(first), this.events::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);
            assertThat(this.events.get(0).action()).isEqualTo("resync");
            assertThat(this.events.get(0).node().value()).isEqualTo("2");
            this.direct.set("/old/k", "3");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 2);
            assertThat(this.events.get(1).node().value()).isEqualTo("3");
        }
    }
}
