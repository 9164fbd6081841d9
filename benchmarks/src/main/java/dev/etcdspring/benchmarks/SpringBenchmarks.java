package dev.etcdspring.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.etcdspring.config.EtcdConfigChangedEvent;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.WatchOptions;

import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.etcdspring.benchmarks.BulkBenchmarks.check;
import static dev.etcdspring.benchmarks.BulkBenchmarks.lower;
import static dev.etcdspring.benchmarks.Scenario.median;

/**
 * The Spring Boot side, each beside its baseline in the same run: the {@code etcd:} import of the 10,000-key tree
 * against the same properties from a file and against no import; the write-to-rebind lag of live refresh against a
 * bare watch; the start-up cost of the starter's auto-configuration; the heap a watched 10,000-key tree holds.
 * Each returns Markdown table rows.
 */
final class SpringBenchmarks {

    private static final int IMPORT_ROUNDS = 9;

    private static final int LAG_WRITES = 200;

    private static final int LAG_WARMUP = 20;

    private static final int JVM_ROUNDS = 21;

    private SpringBenchmarks() {
    }

    /** The tree as a properties file: what Boot itself costs for the same 10,000 properties. */
    static Path treeAsPropertiesFile(Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < BulkBenchmarks.TREE_KEYS; i++) {
            lines.add("g" + (i % 100) + ".k" + (i / 100) + "=value number " + i);
        }
        Path file = dir.resolve("tree.properties");
        Files.write(file, lines, StandardCharsets.ISO_8859_1);
        return file;
    }

    /**
     * Application starts, in this (warm) JVM: with {@code spring.config.import=etcd:/bench/tree/}, with the same
     * properties from a file, and with neither; median milliseconds of {@value #IMPORT_ROUNDS} interleaved rounds.
     */
    static String importCost(String endpoint, EtcdApi api, Path propertiesFile) {
        String[] common = { "--etcd.endpoints=" + endpoint, "--etcd.api=" + lower(api) };
        List<Supplier<Object>> starts = List.of(
                () -> start(common, "--spring.config.import=etcd:" + BulkBenchmarks.TREE + "/"),
                () -> start(common, "--spring.config.import=file:" + propertiesFile),
                () -> start(common));
        double[][] millis = new double[3][IMPORT_ROUNDS];
        for (int round = -3; round < IMPORT_ROUNDS; round++) {
            for (int i = 0; i < starts.size(); i++) {
                long start = System.nanoTime();
                starts.get(i).get();
                if (round >= 0) {
                    millis[i][round] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        double etcd = median(millis[0]);
        double file = median(millis[1]);
        double none = median(millis[2]);
        return String.format(Locale.ROOT,
                "| `etcd:` import of %,d keys, %s: application start, median of %d | the same properties from a file: %.0f ms; no import: %.0f ms | **%.0f ms** | the import adds **%.0f ms** | the file adds %.0f ms |",
                BulkBenchmarks.TREE_KEYS, lower(api), IMPORT_ROUNDS, file, none, etcd, etcd - none, file - none);
    }

    private static Object start(String[] common, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(common));
        all.addAll(Arrays.asList(args));
        all.add("--etcd.config.watch.enabled=false");
        try (ConfigurableApplicationContext context = BenchApplication.start(null, all.toArray(new String[0]))) {
            return context.getId();
        }
    }

    /**
     * The lag from the start of a write to the moment the rebound bean holds the value (an
     * {@link EtcdConfigChangedEvent} listener sees it), one write at a time, against a bare watch of the same key.
     */
    static String refreshLag(String endpoint, EtcdApi api, EtcdTemplate template) throws Exception {
        String key = "/bench/lag/demo/title";
        template.set(key, "start");
        BlockingQueue<Long> watched = new ArrayBlockingQueue<>(LAG_WRITES * 2);
        double[] bare;
        try (EtcdWatch watch = template.watch("/bench/lag", WatchOptions.defaults().recursive(true),
                (event) -> watched.add(System.nanoTime()))) {
            bare = lags(template, key, watched, null);
        }
        BlockingQueue<Long> rebound = new ArrayBlockingQueue<>(LAG_WRITES * 2);
        double[] refresh;
        try (ConfigurableApplicationContext context = BenchApplication.start(
                (ApplicationListener<EtcdConfigChangedEvent>) (event) -> rebound.add(System.nanoTime()),
                "--etcd.endpoints=" + endpoint, "--etcd.api=" + lower(api), "--spring.config.import=etcd:/bench/lag/")) {
            BenchApplication.DemoProperties demo = context.getBean(BenchApplication.DemoProperties.class);
            refresh = lags(template, key, rebound, demo);
        }
        return String.format(Locale.ROOT,
                "| live refresh %s: write to rebound bean, p50 / p99 / max | bare watch p50 / p99: %.1f / %.1f ms | **%.1f / %.1f / %.1f ms** | p99 − bare p99: %.1f ms | %d writes, one at a time, after %d to warm up |",
                lower(api), percentile(bare, 50), percentile(bare, 99), percentile(refresh, 50),
                percentile(refresh, 99), refresh[refresh.length - 1], percentile(refresh, 99) - percentile(bare, 99),
                LAG_WRITES - LAG_WARMUP, LAG_WARMUP);
    }

    private static double[] lags(EtcdTemplate template, String key, BlockingQueue<Long> seen,
            BenchApplication.DemoProperties demo) throws Exception {
        double[] lags = new double[LAG_WRITES - LAG_WARMUP];
        for (int i = 0; i < LAG_WRITES; i++) {
            long written = System.nanoTime();
            template.set(key, "write " + i);
            Long at = seen.poll(10, TimeUnit.SECONDS);
            check(at != null, "write " + i + " seen");
            if (demo != null) {
                check(("write " + i).equals(demo.getTitle()), "bean holds write " + i + ", not " + demo.getTitle());
            }
            if (i >= LAG_WARMUP) {
                lags[i - LAG_WARMUP] = (at - written) / 1e6;
            }
        }
        Arrays.sort(lags);
        return lags;
    }

    /**
     * {@code SpringApplication.run} of the same application in fresh JVMs, with the etcd auto-configurations and with
     * them excluded (same class path), {@value #JVM_ROUNDS} of each, alternating.
     */
    static String startupCost() throws Exception {
        double[] with = new double[JVM_ROUNDS];
        double[] without = new double[JVM_ROUNDS];
        double[] beans = new double[JVM_ROUNDS];
        for (int round = -1; round < JVM_ROUNDS; round++) {
            List<String> w = probe("startup", "with");
            double wo = Double.parseDouble(probe("startup", "without").get(0));
            if (round >= 0) {
                with[round] = Double.parseDouble(w.get(0));
                beans[round] = Double.parseDouble(w.get(1));
                without[round] = wo;
            }
        }
        double w = median(with);
        double wo = median(without);
        // The spread: the interquartile range of the JVMs without the starter, the middle half of their times.
        double spread = quantile(without, 0.75) - quantile(without, 0.25);
        return String.format(Locale.ROOT,
                "| start-up with the starter (fresh JVM, `SpringApplication.run`, median of %d JVMs each, alternating) | etcd auto-configurations excluded: %.0f ms, run-to-run spread (interquartile range) %.0f ms | **%.0f ms** | the starter adds **%.0f ms** (%s the spread) | creating the etcd beans took **%.0f ms** (Spring's start-up steps, median; quartiles %.0f–%.0f ms) |",
                JVM_ROUNDS, wo, spread, w, w - wo, (w - wo <= spread) ? "within" : "beyond", median(beans),
                quantile(beans, 0.25), quantile(beans, 0.75));
    }

    /** A quantile of measurements, interpolated between the two nearest. */
    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /**
     * The heap in use after garbage collection in a fresh JVM running the application with the tree imported from
     * etcd and watched, with the same properties from a file, and with neither; median of three JVMs each.
     */
    static String watchedTreeHeap(String endpoint, EtcdApi api, Path propertiesFile) throws Exception {
        String[] common = { "--etcd.endpoints=" + endpoint, "--etcd.api=" + lower(api) };
        double[] etcd = new double[3];
        double[] file = new double[3];
        double[] none = new double[3];
        for (int round = 0; round < 3; round++) {
            etcd[round] = heapMb(common, "--spring.config.import=etcd:" + BulkBenchmarks.TREE + "/");
            file[round] = heapMb(common, "--spring.config.import=file:" + propertiesFile);
            none[round] = heapMb(common);
        }
        double e = median(etcd);
        double f = median(file);
        double n = median(none);
        return String.format(Locale.ROOT,
                "| heap of a watched tree of %,d keys, %s (fresh JVM, after GC, median of 3) | the same properties from a file: +%.1f MB over no import (%.1f MB) | **+%.1f MB** | %.2f × the file's | |",
                BulkBenchmarks.TREE_KEYS, lower(api), f - n, n, e - n, (e - n) / (f - n));
    }

    private static double heapMb(String[] common, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("heap"));
        all.addAll(Arrays.asList(common));
        all.addAll(Arrays.asList(args));
        return Double.parseDouble(probe(all.toArray(new String[0])).get(0)) / (1024 * 1024);
    }

    /** Runs {@link StartupProbe} in a JVM of its own and returns the fields of its result line. */
    private static List<String> probe(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), StartupProbe.class.getName()));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        String result = null;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                output.add(line);
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        }
        check(process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0 && result != null,
                "probe " + Arrays.toString(args) + ": " + String.join("\n", output));
        return List.of(result.substring("RESULT ".length()).split(" "));
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
