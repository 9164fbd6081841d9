package dev.etcdspring.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.WatchOptions;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.EtcdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A soak run, not part of the test suite ({@code ./mvnw -B -pl etcd-spring-core test -Pbenchmark
 * -Dtest=SoakBenchmark}, {@code -Dsoak.minutes=10} by default): both APIs at once on a three-member cluster, mixed
 * load (linearizable reads, sets, compare-and-sets, swaps) from several threads, a recursive watch per API, and a
 * member killed with {@code SIGKILL} and restarted every minute. Every ten seconds it samples the JVM's threads, the
 * TCP connections to etcd's client ports on this machine and the heap after a collection; at the end the samples
 * must be flat and each watch must have caught up with every key's final value. Writes
 * {@code target/benchmark-soak.md}.
 */
class SoakBenchmark {

    private static final int KEYS = 10;

    private static final int THREADS_PER_API = 3;

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    record Sample(long second, int threads, int connections, long heapMb, long operations) {
    }

    @Test
    void mixedLoadWithAMemberRestartEveryMinute() throws Exception {
        Duration run = Duration.ofMinutes(Long.getLong("soak.minutes", 10));
        Set<Integer> clientPorts = etcd.endpoints().stream().map((e) -> URI.create(e).getPort())
            .collect(Collectors.toSet());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong operations = new AtomicLong();
        AtomicLong unknown = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<EtcdTemplate> templates = new ArrayList<>();
        List<EtcdWatch> watches = new ArrayList<>();
        Map<String, String> seenByWatches = new ConcurrentHashMap<>();
        for (EtcdApi api : EtcdApi.values()) {
            EtcdTemplate template = EtcdTemplate.builder().endpoints(etcd.endpoints()).api(api)
                .timeout(Duration.ofSeconds(3)).build();
            templates.add(template);
            for (int k = 0; k < KEYS; k++) {
                template.set(key(api, k), "0");
            }
            watches.add(template.watch("/soak/" + lower(api), WatchOptions.defaults().recursive(true), (event) -> {
                if (event.node() != null && !event.node().dir()) {
                    seenByWatches.put(event.node().key(), String.valueOf(event.node().value()));
                }
                if ("resync".equals(event.action())) {
                    event.node().nodes().forEach((n) -> seenByWatches.put(n.key(), String.valueOf(n.value())));
                }
            }));
        }
        ExecutorService threads = Executors.newCachedThreadPool();
        List<Future<?>> running = new ArrayList<>();
        for (EtcdTemplate template : templates) {
            for (int t = 0; t < THREADS_PER_API; t++) {
                int seed = running.size();
                running.add(threads.submit(() -> load(template, seed, stop, operations, unknown, failed)));
            }
        }
        List<String> restarts = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long nextRestart = start + TimeUnit.SECONDS.toNanos(30);
        Random random = new Random(1);
        while (System.nanoTime() - start < run.toNanos()) {
            Thread.sleep(10_000);
            long second = (System.nanoTime() - start) / 1_000_000_000L;
            samples.add(new Sample(second, ManagementFactory.getThreadMXBean().getThreadCount(),
                    connections(clientPorts), heapAfterGcMb(), operations.get()));
            if (System.nanoTime() >= nextRestart) {
                int index = random.nextInt(3);
                EtcdProcess member = etcd.cluster().member(index);
                member.kill();
                Thread.sleep(5_000);
                etcd.cluster().restart(index);
                restarts.add(second + " s: " + member.name());
                nextRestart += TimeUnit.SECONDS.toNanos(60);
            }
        }
        stop.set(true);
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        // No watch fell behind: each has seen every key's final value.
        for (EtcdTemplate template : templates) {
            for (int k = 0; k < KEYS; k++) {
                String key = key(template.api(), k);
                String last = template.get(key);
                await().atMost(Duration.ofSeconds(30)).until(() -> last.equals(seenByWatches.get(key)));
            }
        }
        watches.forEach(EtcdWatch::close);
        templates.forEach(EtcdTemplate::close);

        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%d min, %d operations (%d of unknown outcome, %d failed), restarts at %s",
                run.toMinutes(), operations.get(), unknown.get(), failed.get(), restarts));
        lines.add("");
        lines.add("| second | JVM threads | TCP connections to etcd client ports | heap after GC, MB | operations so far |");
        lines.add("|---|---|---|---|---|");
        samples.forEach((s) -> lines.add(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d |", s.second(),
                s.threads(), s.connections(), s.heapMb(), s.operations())));
        String report = String.join("\n", lines) + "\n";
        System.out.println(report);
        Files.writeString(Path.of("target", "benchmark-soak.md"), report);

        List<Sample> settled = samples.subList(Math.min(3, samples.size() - 1), samples.size());
        int firstThreads = settled.get(0).threads();
        assertThat(settled).as("threads stay flat").allSatisfy((s) -> assertThat(s.threads())
            .isLessThanOrEqualTo(firstThreads + 5));
        int maxConnections = settled.stream().mapToInt(Sample::connections).max().orElse(0);
        assertThat(maxConnections).as("connections stay bounded").isLessThanOrEqualTo(
                settled.get(0).connections() + 3 * THREADS_PER_API * 2 + 6);
        long firstHeap = settled.get(0).heapMb();
        assertThat(samples.get(samples.size() - 1).heapMb()).as("heap stays flat")
            .isLessThanOrEqualTo(firstHeap * 2 + 20);
    }

    private static void load(EtcdTemplate template, int seed, AtomicBoolean stop, AtomicLong operations,
            AtomicLong unknown, AtomicLong failed) {
        Random random = new Random(seed);
        while (!stop.get()) {
            String key = key(template.api(), random.nextInt(KEYS));
            try {
                switch (random.nextInt(4)) {
                    case 0 -> template.get(key);
                    case 1 -> template.set(key, Integer.toString(random.nextInt(1000)));
                    case 2 -> template.compareAndSet(key, Integer.toString(random.nextInt(1000)), "cas");
                    default -> template.swap(key, (v) -> v + "+");
                }
                operations.incrementAndGet();
            }
            catch (EtcdException ex) {
                (ex.isOutcomeUnknown() ? unknown : failed).incrementAndGet();
            }
            // Values that keep growing by swaps are cut back now and then.
            if (random.nextInt(200) == 0) {
                try {
                    template.set(key, "0");
                }
                catch (EtcdException ex) {
                    failed.incrementAndGet();
                }
            }
        }
    }

    /** Established TCP connections on this machine whose remote port is an etcd client port. */
    private static int connections(Set<Integer> clientPorts) throws IOException {
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path).subList(1, Files.readAllLines(path).size())) {
                String[] fields = line.trim().split("\\s+");
                String remote = fields[2];
                int port = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
                if (fields[3].equals("01") && clientPorts.contains(port)) {
                    count++;
                }
            }
        }
        return count;
    }

    private static long heapAfterGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }

    private static String key(EtcdApi api, int k) {
        return "/soak/" + lower(api) + "/k" + k;
    }

    private static String lower(EtcdApi api) {
        return api.name().toLowerCase(Locale.ROOT);
    }
}
