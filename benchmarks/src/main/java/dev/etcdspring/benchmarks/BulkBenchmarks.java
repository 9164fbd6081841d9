package dev.etcdspring.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WatchOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import mousio.etcd4j.EtcdClient;
import mousio.etcd4j.responses.EtcdKeysResponse;

/**
 * Measurements of bulk work, ours beside the peers in the same run: reading a tree of 10,000 keys in one request,
 * and a watch delivering thousands of events. Each returns Markdown table rows.
 */
final class BulkBenchmarks {

    /** The keys of the tree that the tree read, the config import and the heap measurement share. */
    static final int TREE_KEYS = 10_000;

    static final String TREE = "/bench/tree";

    private static final int TREE_ROUNDS = 9;

    private static final ReadOptions RECURSIVE = ReadOptions.defaults().recursive(true);

    private static final int WATCH_EVENTS = 5_000;

    private static final int WRITERS = 8;

    private BulkBenchmarks() {
    }

    /** Writes the tree: {@code /bench/tree/g<i % 100>/k<i / 100>} = {@code value number <i>}. */
    static void seedTree(EtcdTemplate template) {
        IntStream.range(0, TREE_KEYS).parallel().forEach((i) -> template.set(treeKey(i), "value number " + i));
    }

    static String treeKey(int i) {
        return TREE + "/g" + (i % 100) + "/k" + (i / 100);
    }

    /**
     * Reads the whole tree: the same request by the JDK's {@code HttpClient} with the body left unparsed (the
     * baseline), {@code EtcdTemplate.getTree}, and the peer's recursive read. Median milliseconds of
     * {@value #TREE_ROUNDS} interleaved rounds after two to warm up.
     */
    static String treeRead(String endpoint, EtcdApi api, EtcdTemplate ours) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest raw = rawTreeRead(endpoint, api);
        Map<String, Timed> contenders = new LinkedHashMap<>();
        contenders.put("raw", () -> {
            byte[] body = http.send(raw, HttpResponse.BodyHandlers.ofByteArray()).body();
            check(body.length > TREE_KEYS * 20, "raw read of " + body.length + " bytes");
        });
        contenders.put("ours", () -> check(leaves(ours.getTree(TREE, RECURSIVE)) == TREE_KEYS, "getTree"));
        String peer;
        AutoCloseable closePeer;
        if (api == EtcdApi.V2) {
            // etcd4j's Netty refuses answers over 100 KB unless told otherwise; the tree's is about 1 MB.
            EtcdClient etcd4j = new EtcdClient(new mousio.etcd4j.transport.EtcdNettyClient(
                    new mousio.etcd4j.transport.EtcdNettyConfig().setMaxFrameSize(64 * 1024 * 1024),
                    URI.create(endpoint)));
            closePeer = etcd4j;
            peer = "etcd4j";
            contenders.put(peer, () -> {
                EtcdKeysResponse response = etcd4j.getDir(TREE.substring(1)).recursive().send().get();
                int count = response.node.nodes.stream().mapToInt((group) -> group.nodes.size()).sum();
                check(count == TREE_KEYS, "etcd4j read " + count);
            });
        }
        else {
            io.etcd.jetcd.Client jetcd = io.etcd.jetcd.Client.builder().endpoints(endpoint).build();
            closePeer = jetcd;
            peer = "jetcd";
            ByteSequence prefix = ByteSequence.from(TREE + "/", StandardCharsets.UTF_8);
            contenders.put(peer, () -> {
                long count = jetcd.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()).get()
                    .getKvs().size();
                check(count == TREE_KEYS, "jetcd read " + count);
            });
        }
        try (closePeer) {
            Map<String, double[]> millis = new LinkedHashMap<>();
            contenders.keySet().forEach((name) -> millis.put(name, new double[TREE_ROUNDS]));
            for (int round = -2; round < TREE_ROUNDS; round++) {
                for (Map.Entry<String, Timed> contender : contenders.entrySet()) {
                    long start = System.nanoTime();
                    contender.getValue().run();
                    if (round >= 0) {
                        millis.get(contender.getKey())[round] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            double rawMs = Scenario.median(millis.get("raw"));
            double oursMs = Scenario.median(millis.get("ours"));
            double peerMs = Scenario.median(millis.get(peer));
            return String.format(Locale.ROOT, "| read a tree of %,d keys, %s (recursive `getTree`), median of %d | JDK HttpClient, "
                    + "body unparsed: %.0f ms; %s: %.0f ms | **%.0f ms** | %.2f × the unparsed read | %s takes %.2f × ours |",
                    TREE_KEYS, lower(api), TREE_ROUNDS, rawMs, peer, peerMs, oursMs, oursMs / rawMs, peer, peerMs / oursMs);
        }
    }

    /**
     * A watch of a directory while {@value #WRITERS} threads write {@value #WATCH_EVENTS} keys into it as fast as
     * etcd takes them: events/s delivered by our watch and by the peer's, from the first write to the last event,
     * beside the write rate (the ceiling: a watch cannot deliver faster than etcd applies). On v3 also the catch-up
     * of the same events from history, where the write rate no longer bounds it.
     */
    static List<String> watchThroughput(String endpoint, EtcdApi api, EtcdTemplate ours) throws Exception {
        String dir = "/bench/watch-" + lower(api);
        long before = ours.set(dir + "/start", "0").etcdIndex();
        Seen mine = new Seen();
        Seen theirs = new Seen();
        List<String> rows = new ArrayList<>();
        String peer = (api == EtcdApi.V2) ? "etcd4j" : "jetcd";
        try (EtcdWatch watch = ours.watch(dir, WatchOptions.defaults().recursive(true),
                (event) -> mine.event("resync".equals(event.action())));
                PeerWatch peerWatch = (api == EtcdApi.V2) ? etcd4jWatch(endpoint, dir, before + 1, theirs::event)
                        : jetcdWatch(endpoint, dir, before + 1, theirs::event)) {
            long start = System.nanoTime();
            writeEvents(ours, dir);
            long written = System.nanoTime();
            mine.done.await(10, TimeUnit.SECONDS);
            theirs.done.await(10, TimeUnit.SECONDS);
            double writeRate = WATCH_EVENTS / ((written - start) / 1e9);
            double oursRate = mine.rate(start);
            double peerRate = theirs.rate(start);
            rows.add(String.format(Locale.ROOT,
                    "| watch %s while %d threads write %,d keys, events/s | writes: %,.0f/s; %s: %s | **%s** | %.2f × the write rate | %.2f × %s |",
                    lower(api), WRITERS, WATCH_EVENTS, writeRate, peer, theirs.describe(peerRate),
                    mine.describe(oursRate), oursRate / writeRate, oursRate / peerRate, peer));
        }
        if (api == EtcdApi.V3) {
            rows.add(catchUp(endpoint, dir, before + 1, ours));
        }
        return rows;
    }

    /** The events a watch delivered, and when the last one came. */
    private static final class Seen {

        final AtomicInteger events = new AtomicInteger();

        final AtomicInteger resyncs = new AtomicInteger();

        final AtomicLong last = new AtomicLong();

        final CountDownLatch done = new CountDownLatch(1);

        void event() {
            event(false);
        }

        void event(boolean resync) {
            if (resync) {
                this.resyncs.incrementAndGet();
            }
            this.last.set(System.nanoTime());
            if (this.events.incrementAndGet() == WATCH_EVENTS) {
                this.done.countDown();
            }
        }

        /** Events per second from the first write to the last event delivered. */
        double rate(long start) {
            return (this.events.get() == 0) ? 0 : this.events.get() / ((this.last.get() - start) / 1e9);
        }

        String describe(double rate) {
            String text = String.format(Locale.ROOT, "%,.0f", rate);
            if (this.events.get() < WATCH_EVENTS) {
                text += String.format(Locale.ROOT, " (%,d of %,d events%s)", this.events.get(), WATCH_EVENTS,
                        (this.resyncs.get() > 0) ? ", then a resync: it fell out of etcd's history" : "");
            }
            else {
                text += (this.resyncs.get() > 0) ? String.format(Locale.ROOT, " (%d resyncs)", this.resyncs.get())
                        : " (every event, no resync)";
            }
            return text;
        }
    }

    /** Watches of events already in etcd's history, from {@code fromRevision}: how fast each client takes them in. */
    private static String catchUp(String endpoint, String dir, long fromRevision, EtcdTemplate ours) throws Exception {
        double[] oursMs = new double[3];
        double[] peerMs = new double[3];
        for (int round = 0; round < 3; round++) {
            oursMs[round] = timeCatchUp((done) -> {
                EtcdWatch watch = ours.watch(dir, WatchOptions.defaults().recursive(true).fromIndex(fromRevision),
                        (event) -> done.run());
                return watch::close;
            });
            peerMs[round] = timeCatchUp((done) -> jetcdWatch(endpoint, dir, fromRevision, done));
        }
        double o = Scenario.median(oursMs);
        double p = Scenario.median(peerMs);
        return String.format(Locale.ROOT,
                "| watch v3 catching up on %,d events from history, events/s (median of 3) | jetcd: %,.0f | **%,.0f** | – | %.2f × jetcd |",
                WATCH_EVENTS, WATCH_EVENTS / (p / 1000), WATCH_EVENTS / (o / 1000), p / o);
    }

    @FunctionalInterface
    private interface WatchStarter {

        PeerWatch start(Runnable onEvent) throws Exception;
    }

    private static double timeCatchUp(WatchStarter starter) throws Exception {
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        try (PeerWatch watch = starter.start(() -> {
            if (seen.incrementAndGet() == WATCH_EVENTS) {
                done.countDown();
            }
        })) {
            check(done.await(60, TimeUnit.SECONDS), "catch-up saw " + seen.get() + " events");
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static void writeEvents(EtcdTemplate ours, String dir) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = writer; i < WATCH_EVENTS; i += WRITERS) {
                        ours.set(dir + "/k" + i, "v" + i);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        finally {
            writers.shutdownNow();
        }
    }

    /** A watch of a peer client, closed with its client. */
    private interface PeerWatch extends AutoCloseable {

        @Override
        void close() throws Exception;
    }

    /** etcd4j has no watch loop of its own: one long poll per event, from the index after the last one seen. */
    private static PeerWatch etcd4jWatch(String endpoint, String dir, long fromIndex, Runnable onEvent) {
        EtcdClient client = new EtcdClient(URI.create(endpoint));
        Thread loop = new Thread(() -> {
            long next = fromIndex;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    EtcdKeysResponse response = client.getDir(dir.substring(1)).recursive().waitForChange(next)
                        .timeout(30, TimeUnit.SECONDS).send().get();
                    next = response.node.modifiedIndex + 1;
                    onEvent.run();
                }
                catch (Exception ex) {
                    return;
                }
            }
        }, "etcd4j-watch");
        loop.setDaemon(true);
        loop.start();
        return () -> {
            loop.interrupt();
            client.close();
        };
    }

    private static PeerWatch jetcdWatch(String endpoint, String dir, long fromRevision, Runnable onEvent) {
        io.etcd.jetcd.Client client = io.etcd.jetcd.Client.builder().endpoints(endpoint).build();
        WatchOption.Builder option = WatchOption.builder().isPrefix(true);
        if (fromRevision > 0) {
            option.withRevision(fromRevision);
        }
        Watch.Watcher watcher = client.getWatchClient().watch(ByteSequence.from(dir + "/", StandardCharsets.UTF_8),
                option.build(), (response) -> response.getEvents().forEach((event) -> onEvent.run()));
        return () -> {
            watcher.close();
            client.close();
        };
    }

    private static HttpRequest rawTreeRead(String endpoint, EtcdApi api) {
        if (api == EtcdApi.V2) {
            return HttpRequest.newBuilder(URI.create(endpoint + "/v2/keys" + TREE + "?recursive=true&quorum=true"))
                .build();
        }
        Base64.Encoder b64 = Base64.getEncoder();
        String body = "{\"key\":\"" + b64.encodeToString((TREE + "/").getBytes(StandardCharsets.UTF_8))
                + "\",\"range_end\":\"" + b64.encodeToString((TREE + "0").getBytes(StandardCharsets.UTF_8)) + "\"}";
        return HttpRequest.newBuilder(URI.create(endpoint + "/v3/kv/range"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    @SuppressWarnings("unchecked")
    private static int leaves(Map<String, Object> tree) {
        int count = 0;
        for (Object value : tree.values()) {
            count += (value instanceof Map<?, ?> map) ? leaves((Map<String, Object>) map) : 1;
        }
        return count;
    }

    static String lower(EtcdApi api) {
        return api.name().toLowerCase(Locale.ROOT);
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("unexpected result: " + what);
        }
    }

    @FunctionalInterface
    interface Timed {

        void run() throws Exception;
    }
}
