package dev.etcdspring.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.etcdspring.benchmarks.Scenario.Column;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdCluster;

/**
 * Measures {@code EtcdTemplate} against its baselines in one run, on a real etcd it starts itself. Run it from the
 * project's root with
 *
 * <pre>
 * ./mvnw -B -Pbench -pl benchmarks -am verify -DskipTests
 * </pre>
 *
 * (about five minutes; {@code -Dbench.rounds=5 -Dbench.seconds=1 -Dbench.warmup.seconds=0.5} are the defaults).
 * It starts one etcd member ({@code /usr/bin/etcd} or {@code ETCD_BINARY}, {@code --enable-v2=true}) on free
 * loopback ports in a temporary directory, and stops it at the end. For both APIs it measures GET of one small
 * key, linearizable and local, at 1 and 8 threads, and set and compare-and-set by index at 1 thread: ours against
 * {@code wrk} (when installed), a raw keep-alive socket, the JDK {@code HttpClient}, etcd4j (v2) and jetcd (v3).
 * The contenders take turns round by round, so that the machine's drift hits them alike; each cell is the median
 * of the rounds, each ratio the median of the same-round ratios. The v3-native API ({@link KvBenchmarks}, scenarios
 * named {@code kv ...}) is measured in the same rounds against jetcd and the raw socket, each request timed; so are
 * locks on both APIs against jetcd's {@code Lock} ({@link LockBenchmarks}, {@code lock ...}), and GET over TLS on a
 * second etcd that serves https ({@link TlsBenchmarks}, {@code tls ...}). Writes
 * {@code benchmarks/target/benchmark-results.md}
 * and {@code benchmarks/target/benchmark-results.png} and prints the table. Exits with 1 if a client failed.
 */
public final class EtcdBenchmarks {

    static final String KEY = "/bench/key";

    static final String VALUE = "value";

    static final String COMMAND = "./mvnw -B -Pbench -pl benchmarks -am verify -DskipTests";

    private EtcdBenchmarks() {
    }

    /**
     * Runs the benchmarks.
     *
     * @param args none; the settings are the system properties {@code bench.rounds}, {@code bench.seconds},
     * {@code bench.warmup.seconds} and {@code bench.out} (the output directory)
     * @throws Exception if etcd cannot be started or a report cannot be written
     */
    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 5);
        Duration round = seconds(System.getProperty("bench.seconds", "1"));
        Duration warmup = seconds(System.getProperty("bench.warmup.seconds", "0.5"));
        Path out = Path.of(System.getProperty("bench.out", "target"));
        long started = System.nanoTime();
        List<AutoCloseable> closeables = new ArrayList<>();
        int status;
        try (EtcdCluster etcd = EtcdCluster.start(1); Runner runner = new Runner(32)) {
            String endpoint = etcd.endpoint();
            TemplateClient seeder = new TemplateClient(endpoint, EtcdApi.V2);
            closeables.add(seeder);
            String etcdVersion = seeder.template().version().server();
            Map<EtcdApi, Map<Column, Object>> clients = new EnumMap<>(EtcdApi.class);
            for (EtcdApi api : EtcdApi.values()) {
                TemplateClient ours = new TemplateClient(endpoint, api);
                closeables.add(ours);
                ours.set(KEY, VALUE);
                Map<Column, Object> byColumn = new EnumMap<>(Column.class);
                byColumn.put(Column.RAW, open(() -> new RawSocketClient(endpoint, api), closeables));
                byColumn.put(Column.JDK, open(() -> new JdkClient(endpoint, api), closeables));
                if (api == EtcdApi.V2) {
                    byColumn.put(Column.ETCD4J, open(() -> new Etcd4jClient(endpoint), closeables));
                }
                else {
                    byColumn.put(Column.JETCD, open(() -> new JetcdClient(endpoint), closeables));
                }
                byColumn.put(Column.OURS, ours);
                clients.put(api, byColumn);
            }
            Wrk wrk = Wrk.find(out.resolve("wrk"));
            List<Scenario> scenarios = scenarios(runner, endpoint, clients, wrk);
            List<SwapCheck> swapChecks = swapScenarios(scenarios, runner, clients);
            scenarios.addAll(KvBenchmarks.scenarios(runner, clients.get(EtcdApi.V3)));
            scenarios.addAll(LockBenchmarks.scenarios(runner, clients, endpoint, closeables));
            // bench.only: a comma-separated list of name prefixes ("GET,swap"), for a before-and-after comparison of
            // a few lines that is quicker than the whole table.
            List<String> only = List.of(System.getProperty("bench.only", "").split(",")).stream()
                .filter((p) -> !p.isBlank()).toList();
            // The TLS scenarios need an etcd of their own, serving https: started only when one is selected.
            if (only.isEmpty() || only.stream().anyMatch((p) -> p.startsWith(TlsBenchmarks.NAME.strip())
                    || TlsBenchmarks.NAME.startsWith(p))) {
                EtcdCluster tlsEtcd = EtcdCluster.start(1, true, dev.etcdspring.test.ClientTls.TLS);
                List<AutoCloseable> tlsClients = new ArrayList<>();
                scenarios.addAll(TlsBenchmarks.scenarios(runner, tlsEtcd, clients, endpoint, wrk, tlsClients));
                closeables.addAll(tlsClients);
                closeables.add(tlsEtcd);
                System.out.printf("TLS etcd at %s%n", tlsEtcd.endpoint());
            }
            if (!only.isEmpty()) {
                scenarios.removeIf((s) -> only.stream().noneMatch(s.name::startsWith));
                swapChecks.removeIf((c) -> scenarios.stream().noneMatch((s) -> s.name.equals(c.name())));
            }
            if (scenarios.stream().anyMatch(KvBenchmarks::isKv)) {
                long seeding = System.nanoTime();
                KvBenchmarks.seed(((TemplateClient) clients.get(EtcdApi.V3).get(Column.OURS)).template().opsForKeyValue());
                System.out.printf("v3: wrote the %,d keys of %s in %.1f s%n", KvBenchmarks.PREFIX_KEYS,
                        KvBenchmarks.PREFIX, (System.nanoTime() - seeding) / 1e9);
            }
            System.out.printf("etcd %s at %s; %d scenarios, %d rounds of %s after a warm-up round of %s%n", etcdVersion,
                    endpoint, scenarios.size(), rounds, round, warmup);
            for (int r = 0; r <= rounds; r++) {
                long roundStart = System.nanoTime();
                for (Scenario scenario : scenarios) {
                    run(scenario, r, (r == 0) ? warmup : round);
                }
                System.out.printf("%s done in %.0f s%n", (r == 0) ? "warm-up round" : "round " + r + "/" + rounds,
                        (System.nanoTime() - roundStart) / 1e9);
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            String preamble = preamble(etcdVersion, rounds, round, warmup, elapsed);
            List<String> checks = new ArrayList<>();
            for (SwapCheck check : swapChecks) {
                checks.add(check.verify(scenarios));
            }
            String bulk = !"false".equalsIgnoreCase(bulkSelection())
                    ? bulkAndSpring(endpoint, clients, out) : "";
            List<Scenario> kv = scenarios.stream().filter(KvBenchmarks::isKv).toList();
            List<Scenario> locks = scenarios.stream().filter(LockBenchmarks::isLock).toList();
            List<Scenario> tls = scenarios.stream().filter(TlsBenchmarks::isTls).toList();
            List<Scenario> main = scenarios.stream()
                .filter((s) -> !KvBenchmarks.isKv(s) && !LockBenchmarks.isLock(s) && !TlsBenchmarks.isTls(s))
                .toList();
            String table = (main.isEmpty() ? preamble + "\n"
                    : Report.markdown(main, preamble) + "\n" + String.join("\n", checks) + "\n")
                    + (kv.isEmpty() ? "" : "\n" + Report.kvMarkdown(kv))
                    + (locks.isEmpty() ? "" : "\n" + Report.lockMarkdown(locks))
                    + (tls.isEmpty() ? "" : "\n" + TlsBenchmarks.markdown(tls)) + "\n" + bulk;
            Files.createDirectories(out);
            Files.writeString(out.resolve("benchmark-results.md"), table, StandardCharsets.UTF_8);
            Report.chart(scenarios, "etcd clients against etcd " + etcdVersion + ", one run", out.resolve("benchmark-results.png"));
            System.out.println();
            System.out.println(table);
            System.out.println("Wrote " + out.resolve("benchmark-results.md") + " and " + out.resolve("benchmark-results.png"));
            status = (scenarios.stream().anyMatch((s) -> s.notes.values().stream().anyMatch((n) -> n.startsWith("failed")))
                    || checks.stream().anyMatch((line) -> line.contains("LOST")) || !failedSteps.isEmpty()) ? 1 : 0;
        }
        finally {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                }
                catch (Exception ex) {
                    System.err.println("closing " + c + ": " + ex);
                }
            }
        }
        // Client libraries may leave non-daemon threads behind (Netty, Vert.x); the run is over.
        System.exit(status);
    }

    private static List<Scenario> scenarios(Runner runner, String endpoint, Map<EtcdApi, Map<Column, Object>> clients,
            Wrk wrk) throws Exception {
        List<Scenario> scenarios = new ArrayList<>();
        for (EtcdApi api : EtcdApi.values()) {
            for (boolean linearizable : new boolean[] { true, false }) {
                for (int threads : new int[] { 1, 8 }) {
                    Scenario s = new Scenario(String.format(Locale.ROOT, "GET %s %s, %d thread%s", api.name().toLowerCase(Locale.ROOT),
                            linearizable ? "linearizable" : "local", threads, (threads == 1) ? "" : "s"), threads);
                    if (wrk != null) {
                        s.with(Column.WRK, wrk.get(endpoint, api, KEY, linearizable));
                    }
                    else {
                        s.note(Column.WRK, "not installed");
                    }
                    clients.get(api).forEach((column, client) -> add(s, column, client, runner, (c) -> () -> {
                        String value = c.get(KEY, linearizable);
                        if (!VALUE.equals(value)) {
                            throw new IllegalStateException(column.label + " read " + value + " for " + KEY);
                        }
                    }));
                    scenarios.add(s);
                }
            }
        }
        for (boolean cas : new boolean[] { false, true }) {
            for (EtcdApi api : EtcdApi.values()) {
                Scenario s = new Scenario((cas ? "compare-and-set by index " : "set ") + api.name().toLowerCase(Locale.ROOT)
                        + ", 1 thread", 1);
                clients.get(api).forEach((column, client) -> {
                    if (column == Column.JDK) {
                        return;
                    }
                    String key = "/bench/" + (cas ? "cas-" : "set-") + column.name().toLowerCase(Locale.ROOT);
                    AtomicLong index = new AtomicLong();
                    add(s, column, client, runner, (c) -> cas ? () -> {
                        if (index.get() == 0) {
                            index.set(c.set(key, "start"));
                        }
                        index.set(c.compareAndSet(key, index.get(), VALUE));
                    } : () -> c.set(key, VALUE));
                });
                scenarios.add(s);
            }
        }
        return scenarios;
    }

    /**
     * {@code swap} of one counter on 1, 8 and 32 threads at once, ours only (no peer has a swap): each swap is a read
     * and a compare-and-set, retried when another thread got in between. Checked after the run: the counter must
     * equal the swaps that returned, and 32 threads should keep half the rate of single-thread compare-and-sets.
     */
    private static List<SwapCheck> swapScenarios(List<Scenario> scenarios, Runner runner,
            Map<EtcdApi, Map<Column, Object>> clients) {
        List<SwapCheck> checks = new ArrayList<>();
        for (EtcdApi api : EtcdApi.values()) {
            TemplateClient ours = (TemplateClient) clients.get(api).get(Column.OURS);
            for (int threads : new int[] { 1, 8, 32 }) {
                String name = String.format(Locale.ROOT, "swap of one counter %s, %d thread%s",
                        api.name().toLowerCase(Locale.ROOT), threads, (threads == 1) ? "" : "s");
                String key = "/bench/swap-" + api.name().toLowerCase(Locale.ROOT) + "-" + threads;
                ours.set(key, "0");
                AtomicLong swaps = new AtomicLong();
                Scenario s = new Scenario(name, threads);
                add(s, Column.OURS, ours, runner, (c) -> () -> {
                    ours.template().swap(key, (n) -> Long.toString(Long.parseLong(n) + 1));
                    swaps.incrementAndGet();
                });
                scenarios.add(s);
                checks.add(new SwapCheck(name, api, threads, key, swaps, ours));
            }
        }
        return checks;
    }

    /**
     * The measurements taken once rather than in rounds: a tree of 10,000 keys read, imported as configuration and
     * held watched; watch throughput; live refresh lag; the starter's start-up cost. Each beside its baselines.
     */
    private static String bulkAndSpring(String endpoint, Map<EtcdApi, Map<Column, Object>> clients, Path out)
            throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add("| measurement | baselines, same run | **ours** | ours against the baseline | ours against the peer |");
        rows.add("|---|---|---:|---|---|");
        Files.createDirectories(out);
        Path properties = SpringBenchmarks.treeAsPropertiesFile(out);
        boolean needsTree = bulkChosen("tree read") || bulkChosen("config import") || bulkChosen("watched tree heap");
        for (EtcdApi api : EtcdApi.values()) {
            EtcdTemplate ours = ((TemplateClient) clients.get(api).get(Column.OURS)).template();
            if (needsTree) {
                long start = System.nanoTime();
                BulkBenchmarks.seedTree(ours);
                System.out.printf("%s: wrote the %,d-key tree in %.1f s%n", api, BulkBenchmarks.TREE_KEYS,
                        (System.nanoTime() - start) / 1e9);
            }
            addStep(rows, "tree read " + api, () -> List.of(BulkBenchmarks.treeRead(endpoint, api, ours)));
            addStep(rows, "watch throughput " + api, () -> BulkBenchmarks.watchThroughput(endpoint, api, ours));
            addStep(rows, "config import " + api, () -> List.of(SpringBenchmarks.importCost(endpoint, api, properties)));
            addStep(rows, "refresh lag " + api, () -> List.of(SpringBenchmarks.refreshLag(endpoint, api, ours)));
            addStep(rows, "watched tree heap " + api,
                    () -> List.of(SpringBenchmarks.watchedTreeHeap(endpoint, api, properties)));
        }
        addStep(rows, "start-up", () -> List.of(SpringBenchmarks.startupCost()));
        return "## Bulk reads, watches and Spring Boot\n\n" + String.join("\n", rows) + "\n";
    }

    /**
     * {@code bench.bulk}: {@code true} (every measurement of the bulk part), {@code false} (none), or a
     * comma-separated list of the measurements' name prefixes, such as {@code watch,start-up}.
     */
    private static String bulkSelection() {
        return System.getProperty("bench.bulk", "true").strip();
    }

    private static boolean bulkChosen(String name) {
        String selection = bulkSelection();
        return "true".equalsIgnoreCase(selection)
                || List.of(selection.split(",")).stream().map(String::strip).anyMatch(name::startsWith);
    }

    private static void addStep(List<String> rows, String name, Step<List<String>> step) {
        if (bulkChosen(name)) {
            rows.addAll(stepRows(name, step));
        }
    }

    @FunctionalInterface
    private interface Step<T> {

        T run() throws Exception;
    }

    /** Runs one measurement; a failure becomes a row that says so, and fails the run. */
    private static List<String> stepRows(String name, Step<List<String>> step) {
        long start = System.nanoTime();
        try {
            List<String> rows = step.run();
            System.out.printf("%s done in %.0f s%n", name, (System.nanoTime() - start) / 1e9);
            rows.forEach(System.out::println);
            return rows;
        }
        catch (Exception | AssertionError ex) {
            System.out.println(name + " failed: " + ex);
            failedSteps.add(name);
            return List.of("| " + name + " | failed: " + ex.toString().replace('|', '/') + " | | | |");
        }
    }

    private static final List<String> failedSteps = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** What a swap scenario must show once the run is over. */
    private record SwapCheck(String name, EtcdApi api, int threads, String key, AtomicLong swaps, TemplateClient ours) {

        String verify(List<Scenario> scenarios) {
            long counter = Long.parseLong(this.ours.template().get(this.key));
            String lost = (counter == this.swaps.get()) ? "none lost"
                    : "LOST " + (this.swaps.get() - counter);
            String cas = "compare-and-set by index " + this.api.name().toLowerCase(Locale.ROOT) + ", 1 thread";
            double casRate = scenarios.stream().filter((s) -> s.name.equals(cas) && s.measured(Column.OURS))
                .mapToDouble((s) -> s.median(Column.OURS)).findFirst().orElse(Double.NaN);
            double swapRate = scenarios.stream().filter((s) -> s.name.equals(this.name) && s.measured(Column.OURS))
                .mapToDouble((s) -> s.median(Column.OURS)).findFirst().orElse(Double.NaN);
            return String.format(Locale.ROOT, "- %s: %d swaps returned (warm-up included), counter %d: %s; %.0f swaps/s,"
                    + " %.2f × our single-thread compare-and-set", this.name, this.swaps.get(), counter, lost, swapRate,
                    swapRate / casRate);
        }
    }

    /** Adds a Java client's load, or its failure to start. */
    static void add(Scenario s, Column column, Object client, Runner runner,
            Function<Client, Runner.Op> op) {
        if (client instanceof Client c) {
            Runner.Op o = op.apply(c);
            s.with(column, (threads, duration) -> runner.measure(o, threads, duration));
        }
        else {
            s.with(column, (threads, duration) -> Double.NaN).note(column, (String) client);
        }
    }

    /** Runs every contender of a scenario once, in an order that rotates with the round. */
    private static void run(Scenario s, int round, Duration duration) {
        List<Column> columns = new ArrayList<>(s.loads.keySet());
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get((i + round) % columns.size());
            if (s.notes.containsKey(column) || (round == 0 && column == Column.WRK)) {
                continue;
            }
            try {
                double rate = s.loads.get(column).run(s.threads, duration);
                s.keepTurn(column, round > 0);
                if (round > 0) {
                    s.rates.computeIfAbsent(column, (c) -> new ArrayList<>()).add(rate);
                }
            }
            catch (Exception ex) {
                s.note(column, "failed: " + ex);
                System.out.println(s.name + ", " + column.label + " failed: " + ex);
            }
        }
    }

    @FunctionalInterface
    interface Opener {

        Client open() throws Exception;
    }

    /** The client, once it has read the seeded value; or "failed: ..." when it cannot be made or read. */
    static Object open(Opener opener, List<AutoCloseable> closeables) {
        try {
            Client client = opener.open();
            closeables.add(client);
            String value = client.get(KEY, true);
            if (!VALUE.equals(value)) {
                throw new IllegalStateException(client.getClass().getSimpleName() + " read " + value + " for " + KEY);
            }
            return client;
        }
        catch (Exception | LinkageError ex) {
            System.out.println("cannot open a client: " + ex);
            return "failed: " + ex;
        }
    }

    private static String preamble(String etcdVersion, int rounds, Duration round, Duration warmup, double elapsed) {
        return String.format(Locale.ROOT, """
                # etcd clients, requests/s in one run

                etcd %s (one member on loopback, `--enable-v2=true`), Java %s, %d cores. Each cell is the median of \
                %d rounds of %.1f s, the contenders taking turns round by round (in a rotating order) after a \
                warm-up round of %.1f s each; a ratio is ours ÷ the baseline **in the same round**, the median over \
                the rounds. "Local" is a serializable read (v2 without `quorum=true`, a v3 range with \
                `serializable`). wrk runs `-tN -cN` (one connection per thread), the raw socket one kept-alive \
                connection per thread; "best Java client" is the fastest of the JDK HttpClient, etcd4j and jetcd in \
                that round. Libraries: %s. Command: `%s` (this run: %.0f s from etcd's start).""",
                etcdVersion, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds,
                round.toMillis() / 1000.0, warmup.toMillis() / 1000.0, libraries(), command(), elapsed);
    }

    /** The command, with the selection when there was one. */
    private static String command() {
        String only = System.getProperty("bench.only", "");
        String bulk = System.getProperty("bench.bulk", "true");
        String selection = "-Dbench.only=" + only;
        return COMMAND + (only.isBlank() ? "" : " " + (only.contains(" ") ? "\"" + selection + "\"" : selection))
                + ("true".equalsIgnoreCase(bulk) ? "" : " -Dbench.bulk=" + bulk);
    }

    /** The jars the clients were loaded from, which name their versions. */
    private static String libraries() {
        List<String> jars = new ArrayList<>();
        for (String name : List.of("org.eclipse.jetty.client.HttpClient", "mousio.etcd4j.EtcdClient",
                "io.etcd.jetcd.Client", "io.grpc.ManagedChannel", "io.netty.channel.Channel", "io.vertx.core.Vertx",
                "com.google.protobuf.Message")) {
            try {
                String path = Class.forName(name).getProtectionDomain().getCodeSource().getLocation().getPath();
                jars.add(path.substring(path.lastIndexOf('/') + 1).replaceAll("\\.jar$", ""));
            }
            catch (Exception | LinkageError ex) {
                jars.add(name + " (not found)");
            }
        }
        return String.join(", ", jars);
    }

    private static Duration seconds(String seconds) {
        return Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000));
    }
}
