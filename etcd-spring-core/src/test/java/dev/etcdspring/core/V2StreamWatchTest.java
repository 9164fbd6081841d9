package dev.etcdspring.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * v2 watches that stream ({@code stream=true}) once they are at the head of etcd's history, against a real etcd.
 *
 * <p>The trap: etcd streams every change only to a watcher it registered, from an index after its own. Asked for a
 * stream from an index its history holds a change at, it answers that one change and then nothing more on the open
 * answer, so a client that keeps reading loses every later change. The first test makes etcd do it; the others
 * check that our watch catches up with long polls, streams once at the head (etcd's own count of watch requests
 * says how many requests it took), drops a stream that met the history, and loses or repeats nothing.
 */
class V2StreamWatchTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final HttpClient http = HttpClient.newHttpClient();

    private EtcdTemplate etcdTemplate;

    private final List<EtcdResponse> events = new CopyOnWriteArrayList<>();

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() {
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V2).build();
        this.etcdTemplate.deleteAll(null);
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    @Test
    void etcdStreamsFromAPastIndexItsFirstChangeAndThenNothing() throws Exception {
        long first = this.etcdTemplate.set("/trap/key", "1").node().modifiedIndex();
        this.etcdTemplate.set("/trap/key", "2");
        this.etcdTemplate.set("/trap/key", "3");
        try (RawStream past = RawStream.open("/trap/key", first)) {
            assertThat(past.startIndex()).isGreaterThanOrEqualTo(first);
            long fourth = this.etcdTemplate.set("/trap/key", "4").node().modifiedIndex();
            // The fourth change is in etcd, and the stream was open when it was made.
            assertThat(this.etcdTemplate.getResponse("/trap/key").node().modifiedIndex()).isEqualTo(fourth);
            await().atMost(Duration.ofSeconds(5)).until(() -> past.lines().size() == 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> past.lines().size() == 1);
            assertThat(past.lines().get(0)).contains("\"modifiedIndex\":" + first + ",");
        }
        // From the future, the same stream gets every change.
        long next = this.etcdTemplate.getResponse("/trap/key").etcdIndex() + 1;
        try (RawStream future = RawStream.open("/trap/key", next)) {
            assertThat(future.startIndex()).isLessThan(next);
            for (int i = 5; i <= 8; i++) {
                this.etcdTemplate.set("/trap/key", Integer.toString(i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> future.lines().size() == 4);
        }
    }

    @Test
    void aWatchFromThePastCatchesUpThenStreamsEveryChangeOnce() {
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add(this.etcdTemplate.set("/s/key", "past " + i).node().modifiedIndex());
        }
        try (EtcdWatch watch = this.etcdTemplate.watch("/s/key",
                WatchOptions.defaults().fromIndex(written.get(0)).onError(this.errors::add), this.events::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 20);
            // The last long poll of the catch-up may wait for the first live change: let it have one.
            written.add(this.etcdTemplate.set("/s/key", "live").node().modifiedIndex());
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 21);
            long requestsBefore = watchRequests();
            for (int i = 0; i < 300; i++) {
                written.add(this.etcdTemplate.set("/s/key", "streamed " + i).node().modifiedIndex());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> this.events.size() == written.size());
            assertThat(this.events).extracting((e) -> e.node().modifiedIndex()).containsExactlyElementsOf(written);
            assertThat(this.events.get(20 + 1 + 299).node().value()).isEqualTo("streamed 299");
            // One stream for the 300 changes (a long poll each would be 300 requests); a few spare for a
            // reconnect the machine's load might cause.
            assertThat(watchRequests() - requestsBefore).isLessThanOrEqualTo(5);
            assertThat(watch.nextIndex()).isEqualTo(written.get(written.size() - 1) + 1);
        }
        assertThat(this.errors).isEmpty();
    }

    @Test
    void aWatchBehindFetchesTheChangesBeforeItsStreamWithLongPollsAndTheRestFromTheStream() {
        CountDownLatch behind = new CountDownLatch(1);
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(this.etcdTemplate.set("/b/key", "past " + i).node().modifiedIndex());
        }
        try (EtcdWatch watch = this.etcdTemplate.watch("/b/key",
                WatchOptions.defaults().fromIndex(written.get(0)).onError(this.errors::add), (event) -> {
                    this.events.add(event);
                    if (this.events.size() == 2) {
                        // The first poll said the history ended at the fifth change: the stream is open from a
                        // hundred past it, and long polls fetch what lies before it, this change the first of them.
                        waitFor(behind);
                    }
                })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 2);
            // More than the hundred before the stream's start: some come by long poll, the rest on the stream.
            for (int i = 0; i < 150; i++) {
                written.add(this.etcdTemplate.set("/b/key", "while behind " + i).node().modifiedIndex());
            }
            long requestsBefore = watchRequests();
            behind.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> this.events.size() == written.size());
            assertThat(this.events).extracting((e) -> e.node().modifiedIndex()).containsExactlyElementsOf(written);
            // The changes up to the stream's start by long poll, one request each; none after it.
            assertThat(watchRequests() - requestsBefore).isBetween(90L, 110L);
            written.add(this.etcdTemplate.set("/b/key", "after").node().modifiedIndex());
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == written.size());
            assertThat(watch.nextIndex()).isEqualTo(written.get(written.size() - 1) + 1);
        }
        assertThat(this.errors).isEmpty();
    }

    @Test
    void aStreamThatMeetsTheHistoryIsDroppedAndTheWatchLosesNothing() throws Exception {
        CountDownLatch behind = new CountDownLatch(1);
        long from = this.etcdTemplate.set("/h/key", "before").etcdIndex() + 1;
        try (EtcdWatch watch = this.etcdTemplate.watch("/h/key",
                WatchOptions.defaults().fromIndex(from).onError(this.errors::add), (event) -> {
                    this.events.add(event);
                    if ("hold".equals(event.node().value())) {
                        // The watch's thread stays here, between a live long poll (so the next request streams)
                        // and that request, while the test writes five more changes into the history.
                        waitFor(behind);
                    }
                })) {
            List<Long> written = new ArrayList<>();
            written.add(this.etcdTemplate.set("/h/key", "hold").node().modifiedIndex());
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);
            for (int i = 0; i < 5; i++) {
                written.add(this.etcdTemplate.set("/h/key", "missed by a naive stream " + i).node().modifiedIndex());
            }
            behind.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 6);
            // The stream that met the history gave one change and would give nothing more: the watch went on.
            for (int i = 0; i < 5; i++) {
                written.add(this.etcdTemplate.set("/h/key", "later " + i).node().modifiedIndex());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 11);
            assertThat(this.events).extracting((e) -> e.node().modifiedIndex()).containsExactlyElementsOf(written);
            assertThat(watch.nextIndex()).isEqualTo(written.get(10) + 1);
        }
        assertThat(this.errors).isEmpty();
    }

    @Test
    void aReaderTooSlowForEtcdIsDroppedAndTheWatchLosesNothing() {
        CountDownLatch written = new CountDownLatch(1);
        String large = "x".repeat(20_000);
        try (EtcdWatch watch = this.etcdTemplate.watch("/slow",
                WatchOptions.defaults().recursive(true).onError(this.errors::add), (event) -> {
                    this.events.add(event);
                    if (this.events.size() == 2) {
                        // Streaming by now; the listener holds the stream's reader while the writes pile up.
                        waitFor(written);
                    }
                })) {
            this.etcdTemplate.set("/slow/start", "s");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);
            long requestsBefore = watchRequests();
            // About 10 MB: more than the loopback socket's buffers hold, so etcd's writer blocks, its watcher's
            // queue of 100 fills, and etcd drops the watcher, ending the stream.
            IntStream.range(0, 500).parallel().forEach((i) -> this.etcdTemplate.set("/slow/k" + i, i + large));
            written.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> this.events.size() == 501);
            assertThat(this.events.subList(1, 501)).extracting((e) -> e.node().key())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 500).mapToObj((i) -> "/slow/k" + i).toList());
            assertThat(this.events).extracting((e) -> e.node().modifiedIndex()).isSorted().doesNotHaveDuplicates();
            // Every value whole (compared, not printed: each is 20 kB).
            assertThat(this.events.subList(1, 501))
                .extracting((e) -> e.node().value().equals(e.node().key().substring("/slow/k".length()) + large))
                .containsOnly(true);
            // The dropped stream was followed by more requests: the long polls of the catch-up, then a stream.
            assertThat(watchRequests() - requestsBefore).isGreaterThan(1);
        }
        assertThat(this.errors).isEmpty();
    }

    @Test
    void theDeletionOfAStreamedKeyArrivesOnce() {
        try (EtcdWatch watch = this.etcdTemplate.watch("/d/key", WatchOptions.defaults().onError(this.errors::add),
                this.events::add)) {
            this.etcdTemplate.set("/d/key", "first");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);
            // Streaming now: etcd writes a deletion to a stream of its key twice, with one index.
            this.etcdTemplate.set("/d/key", "second");
            long deleted = this.etcdTemplate.delete("/d/key").node().modifiedIndex();
            this.etcdTemplate.set("/d/key", "third");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() >= 4);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> this.events.size() == 4);
            assertThat(this.events).extracting(EtcdResponse::action).containsExactly("set", "set", "delete", "set");
            assertThat(this.events.get(2).node().modifiedIndex()).isEqualTo(deleted);
        }
        assertThat(this.errors).isEmpty();
    }

    @Test
    void aStreamingWatchOutlivesItsPollTimeout() {
        try (EtcdTemplate shortPolls = EtcdTemplate.builder()
            .endpoints(etcd.endpoint())
            .api(EtcdApi.V2)
            .watchPollTimeout(Duration.ofMillis(500))
            .build();
                EtcdWatch watch = shortPolls.watch("/t/key", WatchOptions.defaults().onError(this.errors::add),
                        this.events::add)) {
            this.etcdTemplate.set("/t/key", "first");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);
            long requestsBefore = watchRequests();
            // Quiet for several poll timeouts: each stream ends and the next one starts from the same index.
            await().atMost(Duration.ofSeconds(10)).until(() -> watchRequests() >= requestsBefore + 3);
            this.etcdTemplate.set("/t/key", "second");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 2);
            assertThat(this.events).extracting((e) -> e.node().value()).containsExactly("first", "second");
            assertThat(watch.isOpen()).isTrue();
        }
        assertThat(this.errors).isEmpty();
    }

    @Test
    void aRecursiveStreamingWatchDeliversDeepChangesInOrderAndLeavesHiddenKeysOut() {
        try (EtcdWatch watch = this.etcdTemplate.watch("/tree",
                WatchOptions.defaults().recursive(true).onError(this.errors::add), this.events::add)) {
            this.etcdTemplate.set("/tree/start", "s");
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.size() == 1);
            List<String> expected = new ArrayList<>(List.of("/tree/start"));
            // Eight writers at once, as a busy application would write.
            IntStream.range(0, 200).parallel().forEach((i) -> {
                this.etcdTemplate.set("/tree/d" + (i % 8) + "/k" + i, "v" + i);
                this.etcdTemplate.set("/tree/_hidden/k" + i, "h" + i);
            });
            IntStream.range(0, 200).forEach((i) -> expected.add("/tree/d" + (i % 8) + "/k" + i));
            await().atMost(Duration.ofSeconds(20)).until(() -> this.events.size() == 201);
            assertThat(this.events).extracting((e) -> e.node().key()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(this.events).extracting((e) -> e.node().modifiedIndex()).isSorted().doesNotHaveDuplicates();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> this.events.size() == 201);
        }
        assertThat(this.errors).isEmpty();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the watch's listener");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** etcd's own count of the v2 watch requests it received, new or reestablished, from its metrics. */
    private static long watchRequests() {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines()
                .filter((line) -> line.startsWith("etcd_debugging_store_watch_requests_total "))
                .mapToLong((line) -> (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("etcd's metrics have no store watch requests count"));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** A v2 stream opened by hand, its lines collected by a thread of its own. */
    private record RawStream(InputStream body, long startIndex, List<String> lines) implements AutoCloseable {

        static RawStream open(String key, long waitIndex) throws IOException, InterruptedException {
            HttpResponse<InputStream> response = http.send(HttpRequest
                .newBuilder(URI.create(etcd.endpoint() + "/v2/keys" + key + "?wait=true&stream=true&waitIndex="
                        + waitIndex))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            long startIndex = Long.parseLong(response.headers().firstValue("X-Etcd-Index").orElseThrow());
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null;) {
                        if (!line.isBlank()) {
                            lines.add(line);
                        }
                    }
                }
                catch (IOException ex) {
                    // closed by the test
                }
            }, "raw-v2-stream");
            reader.setDaemon(true);
            reader.start();
            return new RawStream(response.body(), startIndex, lines);
        }

        @Override
        public void close() throws IOException {
            this.body.close();
        }
    }
}
