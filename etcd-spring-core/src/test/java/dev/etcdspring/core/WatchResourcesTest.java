package dev.etcdspring.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What watches cost and leave behind, on both APIs: closed under load they leave no thread and no connection, and
 * against a dead server they keep to the request budget their backoff allows.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class WatchResourcesTest {

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private final java.net.http.HttpClient metricsClient = java.net.http.HttpClient.newHttpClient();

    WatchResourcesTest(EtcdApi api) {
        this.api = api;
    }

    /**
     * This JVM's established TCP connections to a local port: the sockets among its file descriptors, found in
     * /proc/net/tcp and tcp6 (Java's sockets are dual-stack, so its IPv4 connections are listed as IPv6).
     */
    static long connectionsTo(int port) throws IOException {
        java.util.Set<String> ours = new java.util.HashSet<>();
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach((fd) -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        ours.add(target.substring(8, target.length() - 1));
                    }
                }
                catch (IOException ex) {
                    // closed meanwhile
                }
            });
        }
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        long count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            count += Files.readAllLines(Path.of(table)).stream().skip(1).map(String::trim)
                .map((line) -> line.split("\\s+"))
                .filter((fields) -> fields[2].endsWith(hexPort) && fields[3].equals("01") && ours.contains(fields[9]))
                .count();
        }
        return count;
    }

    static long watchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter((t) -> t.getName().startsWith("etcd-watch ") && t.isAlive())
            .count();
    }

    /**
     * Twenty watches under load, closed while it goes on, twice: their threads are gone when close() returns, and
     * etcd itself counts no watcher left (a long poll or stream still open would be one); closing the template
     * closes the connections it pooled.
     */
    @Test
    void closedUnderLoadWatchesLeaveNoThreadOrConnection() throws Exception {
        int port = URI.create(this.etcd.endpoint()).getPort();
        assertThat(serverWatchers()).isZero();
        long before = connectionsTo(port);   // the harness's health checks and this test's metrics reads
        EtcdTemplate writer = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(this.api).build();
        EtcdTemplate watcher = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(this.api).build();
        writer.set("/load/warm", "up");
        long threadsBefore = watchThreads();
        for (int round = 0; round < 2; round++) {
            closeUnderLoad(writer, watcher, threadsBefore);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(serverWatchers())
                .as("watchers etcd still serves").isZero());
        }
        writer.close();
        watcher.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(connectionsTo(port)).isEqualTo(before));
    }

    /** The watchers etcd serves, from its own metrics: v2 long polls, or v3 watches. */
    private long serverWatchers() throws IOException, InterruptedException {
        String metric = (this.api == EtcdApi.V2) ? "etcd_debugging_store_watchers " : "etcd_debugging_mvcc_watcher_total ";
        String metrics = this.metricsClient.send(java.net.http.HttpRequest
            .newBuilder(URI.create(this.etcd.endpoint() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter((line) -> line.startsWith(metric))
            .mapToLong((line) -> (long) Double.parseDouble(line.substring(metric.length()).trim()))
            .findFirst()
            .orElseThrow();
    }

    /**
     * Twenty watches busy with a load, closed while it goes on. etcd is seen serving them before the load starts: under
     * load a v2 long poll is answered as soon as it arrives, so etcd's count of waiting watchers may read 0 at any
     * moment.
     */
    private void closeUnderLoad(EtcdTemplate writer, EtcdTemplate watcher, long threadsBefore) throws Exception {
        List<EtcdWatch> watches = new ArrayList<>();
        AtomicInteger delivered = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            watches.add(watcher.watch("/load", WatchOptions.defaults().recursive(true),
                    (e) -> delivered.incrementAndGet()));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> serverWatchers() > 0);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        Thread load = new Thread(() -> {
            while (writing.get()) {
                writer.set("/load/k" + (writes.incrementAndGet() % 50), "v");
            }
        });
        load.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.get() > 200);
            assertThat(watchThreads()).isEqualTo(threadsBefore + 20);
            watches.forEach(EtcdWatch::close);
            assertThat(watchThreads()).as("close() returns once its thread is gone").isEqualTo(threadsBefore);
            assertThat(watches).noneMatch(EtcdWatch::isOpen);
        }
        finally {
            writing.set(false);
            load.join();
        }
    }

    @Test
    void aWatchOnADeadServerKeepsToItsRequestBudget() throws Exception {
        // A server that reads each request and hangs up without an answer, counting the requests.
        AtomicInteger requests = new AtomicInteger();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (ServerSocket dead = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!dead.isClosed()) {
                    try (Socket socket = dead.accept()) {
                        socket.setSoTimeout(2000);
                        java.io.InputStream in = socket.getInputStream();
                        int matched = 0;
                        int b = 0;
                        while (matched < 4 && b >= 0) {
                            b = in.read();
                            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
                        }
                        if (matched == 4) {
                            requests.incrementAndGet();
                        }
                    }
                    catch (java.net.SocketTimeoutException ex) {
                        // a connection that sent no request is not one
                    }
                    catch (IOException ex) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints("http://127.0.0.1:" + dead.getLocalPort())
                .api(this.api).watchBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)).build();
                    EtcdWatch watch = etcdTemplate.watch("/k", WatchOptions.defaults().fromIndex(1).onError(errors::add),
                            (e) -> { })) {
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(watch::isOpen);
                int made = requests.get();
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                org.slf4j.LoggerFactory.getLogger(WatchResourcesTest.class).info("{}: {} requests in {} ms to a dead "
                        + "server, at most {} allowed", this.api, made, elapsed, 2 * attemptsWithin(elapsed, 100, 2000));
                // each attempt may send its request twice: a second try on a fresh connection when the first
                // failed before any answer, as a connection the server closed while it was kept alive does
                assertThat(made).as("%s requests in %s ms", made, elapsed)
                    .isBetween(3, 2 * attemptsWithin(elapsed, 100, 2000));
                assertThat(errors).as("one report per outage, not per retry").hasSize(1);
                assertThat(watch.isOpen()).isTrue();
            }
        }
    }

    /**
     * The most attempts a watch can make in {@code millis} when every pause is as short as the backoff allows: half
     * of an interval that starts at {@code initial}, doubles, and stops growing at {@code max}.
     */
    static int attemptsWithin(long millis, long initial, long max) {
        int attempts = 1;
        long interval = initial;
        for (long at = interval / 2; at <= millis; at += interval / 2) {
            attempts++;
            interval = Math.min(max, interval * 2);
        }
        return attempts;
    }
}
