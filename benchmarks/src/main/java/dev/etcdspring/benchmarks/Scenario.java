package dev.etcdspring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the table: an operation at a number of threads, the contenders that measure it, and their rates per
 * round. A contender that fails is dropped from later rounds and shows its failure instead of a rate.
 */
final class Scenario {

    /** The table's columns, in order. */
    enum Column {

        WRK("wrk", false), RAW("raw socket", false), JDK("JDK HttpClient", true), ETCD4J("etcd4j", true),
        JETCD("jetcd", true), JETCD_SHARED_LEASE("jetcd, one lease", false), OURS("EtcdTemplate", false),
        OURS_V2("EtcdTemplate v2", false), OURS_JETTY("EtcdTemplate, Jetty", false),
        OURS_HTTP("EtcdTemplate, plain http", false), WRK_HTTP("wrk, plain http", false);

        /**
         * The columns of the main table: the two the lock scenarios add ({@link LockBenchmarks}: ours on v2 beside
         * ours on v3, jetcd with one lease kept for all of a thread's locks) and the three of the TLS scenarios
         * ({@link TlsBenchmarks}: ours with Jetty, ours and wrk on plain http beside them) have nothing there.
         */
        static final Column[] MAIN = { WRK, RAW, JDK, ETCD4J, JETCD, OURS };

        final String label;

        /** Whether this is a Java client a user would pick: the "best Java client" ratio is against these. */
        final boolean javaClient;

        Column(String label, boolean javaClient) {
            this.label = label;
            this.javaClient = javaClient;
        }
    }

    /** A contender's load: runs at {@code threads} for {@code duration}, returns requests per second. */
    @FunctionalInterface
    interface Load {

        double run(int threads, Duration duration) throws Exception;
    }

    final String name;

    final int threads;

    final Map<Column, Load> loads = new EnumMap<>(Column.class);

    final Map<Column, List<Double>> rates = new EnumMap<>(Column.class);

    /** Why a column has no rate: "not installed", or the failure. */
    final Map<Column, String> notes = new EnumMap<>(Column.class);

    /** Each request's latency in nanoseconds, over the measured rounds, for the loads that time their requests. */
    private final Map<Column, List<long[]>> latencies = new EnumMap<>(Column.class);

    /** The latencies of each column's last turn, until {@link #keepTurn} keeps or drops them. */
    private final Map<Column, long[]> lastTurn = new EnumMap<>(Column.class);

    /**
     * The latencies of parts of a request (a lock's acquire and its release), by column and part, over the measured
     * rounds; and those of the last turn, until {@link #keepTurn} keeps or drops them.
     */
    private final Map<Column, Map<String, List<long[]>>> parts = new EnumMap<>(Column.class);

    private final Map<Column, Map<String, long[]>> lastTurnParts = new EnumMap<>(Column.class);

    Scenario(String name, int threads) {
        this.name = name;
        this.threads = threads;
    }

    Scenario with(Column column, Load load) {
        this.loads.put(column, load);
        return this;
    }

    Scenario note(Column column, String note) {
        this.notes.put(column, note);
        return this;
    }

    /** Called by a timed load: the latencies of the turn it just ran. */
    void timed(Column column, long[] nanos) {
        this.lastTurn.put(column, nanos);
    }

    /** Called by a timed load that also times parts of its requests: the latencies of one part in its last turn. */
    void timedPart(Column column, String part, long[] nanos) {
        this.lastTurnParts.computeIfAbsent(column, (c) -> new LinkedHashMap<>()).put(part, nanos);
    }

    /** After a column's turn: keeps its latencies if the round is measured, drops them after the warm-up. */
    void keepTurn(Column column, boolean measured) {
        long[] nanos = this.lastTurn.remove(column);
        if (nanos != null && measured) {
            this.latencies.computeIfAbsent(column, (c) -> new ArrayList<>()).add(nanos);
        }
        Map<String, long[]> turnParts = this.lastTurnParts.remove(column);
        if (turnParts != null && measured) {
            turnParts.forEach((part, partNanos) -> this.parts.computeIfAbsent(column, (c) -> new LinkedHashMap<>())
                .computeIfAbsent(part, (p) -> new ArrayList<>())
                .add(partNanos));
        }
    }

    /**
     * A percentile of the column's latencies over all measured rounds together (nearest rank).
     *
     * @param percentile 50 for the median, 99, ...
     * @return milliseconds; {@code NaN} when the column kept no latencies
     */
    double latencyMillis(Column column, double percentile) {
        return percentileMillis(pooled(this.latencies.getOrDefault(column, List.of())), percentile);
    }

    /**
     * A percentile of one part's latencies over all measured rounds together, as {@link #latencyMillis}.
     *
     * @return milliseconds; {@code NaN} when the column kept none of that part
     */
    double partMillis(Column column, String part, double percentile) {
        return percentileMillis(pooled(this.parts.getOrDefault(column, Map.of()).getOrDefault(part, List.of())),
                percentile);
    }

    /** The parts timed in the column's requests, in the order they were first given. */
    List<String> parts(Column column) {
        return List.copyOf(this.parts.getOrDefault(column, Map.of()).keySet());
    }

    private static double percentileMillis(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    /**
     * The mean of the column's latencies over all measured rounds together.
     *
     * @return milliseconds; {@code NaN} when the column kept no latencies
     */
    double latencyMeanMillis(Column column) {
        return this.latencies.getOrDefault(column, List.of()).stream().flatMapToLong(Arrays::stream).average()
            .orElse(Double.NaN) / 1e6;
    }

    /** How many requests the column's latencies were taken of. */
    int latencyCount(Column column) {
        return this.latencies.getOrDefault(column, List.of()).stream().mapToInt((l) -> l.length).sum();
    }

    private static long[] pooled(List<long[]> turns) {
        long[] all = turns.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    /** Whether the column has a rate for every round so far. */
    boolean measured(Column column) {
        return this.rates.containsKey(column) && !this.notes.containsKey(column);
    }

    double median(Column column) {
        return median(this.rates.get(column));
    }

    /**
     * Ours against the best of {@code baselines} in the same round, the median over rounds: ratios of one round
     * share the machine's mood of that moment. {@code NaN} when no baseline has rates.
     */
    double oursOver(Column... baselines) {
        return over(Column.OURS, baselines);
    }

    /**
     * A column against the best of {@code baselines} in the same round, the median over rounds, as
     * {@link #oursOver}: for the lock scenarios, where ours runs in two columns (v3 and v2).
     */
    double over(Column column, Column... baselines) {
        List<Double> ratios = roundRatios(column, baselines);
        return ratios.isEmpty() ? Double.NaN : median(ratios);
    }

    /**
     * A column's rate over the best of {@code baselines} in each round where both ran: what {@link #over} takes the
     * median of, and whose lowest and highest are the spread within the run.
     */
    List<Double> roundRatios(Column column, Column... baselines) {
        if (!measured(column)) {
            return List.of();
        }
        List<Double> ours = this.rates.get(column);
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < ours.size(); round++) {
            double best = 0;
            for (Column baseline : baselines) {
                if (measured(baseline) && this.rates.get(baseline).size() > round) {
                    best = Math.max(best, this.rates.get(baseline).get(round));
                }
            }
            if (best > 0) {
                ratios.add(ours.get(round) / best);
            }
        }
        return ratios;
    }

    /** The Java clients a user would pick, among this scenario's columns. */
    Column[] javaClients() {
        return this.loads.keySet().stream().filter((c) -> c.javaClient).toArray(Column[]::new);
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The median of measurements: the middle one, or the mean of the two in the middle.
     *
     * @param values the measurements; not changed
     * @return their median
     */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
