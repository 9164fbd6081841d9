package dev.etcdspring.benchmarks;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * One v3 operation by two builds of the client side by side in one JVM, against one etcd: the jar before a change
 * and the jar after it, each in a class loader of its own over the same dependencies, taking turns of 2 s (in an
 * order that alternates by round), so that the machine's and the disk's drift hit both alike. Used for issue 14's
 * before-and-after and issue 17's regression check, where whole benchmark runs one after another differed by more
 * than the change.
 *
 * <pre>
 * java -cp DEPENDENCIES:benchmarks/target/classes dev.etcdspring.benchmarks.BeforeAndAfter \
 *     http://127.0.0.1:2379 THREADS ROUNDS BEFORE.jar AFTER.jar [swap|set|cas|get-local]
 * </pre>
 *
 * DEPENDENCIES: the core's dependencies without its own jar (without them, each class loader would find the
 * current build first). The operation, {@code swap} by default: {@code swap} of one counter by all threads;
 * {@code set} and {@code cas} (a {@code set} with {@code prevIndex}, as {@code TemplateClient} sends) of a key per
 * thread; {@code get-local}, a serializable read of one key. Keys under {@code /ab/before} and {@code /ab/after}.
 * Prints each side's median and rounds, and the after ÷ before ratio of the same round: its median and range.
 */
public final class BeforeAndAfter {

    private static final long TURN_NANOS = 2_000_000_000L;

    private BeforeAndAfter() {
    }

    /** One call of the operation on one thread. */
    private interface Operation {

        void run(int thread) throws Exception;
    }

    /**
     * Runs the comparison.
     *
     * @param a the endpoint, threads, measured rounds, the jar before, the jar after, and optionally the operation
     * @throws Exception when etcd or a jar cannot be used
     */
    public static void main(String[] a) throws Exception {
        String endpoint = a[0];
        int threads = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        String operation = (a.length > 5) ? a[5] : "swap";
        String[] names = { "before", "after" };
        Operation[] sides = { operation(a[3], endpoint, operation, names[0], threads),
                operation(a[4], endpoint, operation, names[1], threads) };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round <= rounds; round++) {  // round 0 warms up
            for (int turn = 0; turn < 2; turn++) {
                int side = (round % 2 == 0) ? turn : 1 - turn;
                double rate = turn(pool, threads, sides[side]);
                if (round > 0) {
                    rates.get(side).add(rate);
                }
            }
        }
        for (int side = 0; side < 2; side++) {
            List<String> each = rates.get(side).stream().map((r) -> String.format("%.0f", r)).toList();
            System.out.printf("%s %s, %d threads: median %.0f/s, rounds %s%n", names[side], operation, threads,
                    Scenario.median(rates.get(side)), each);
        }
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            ratios.add(rates.get(1).get(round) / rates.get(0).get(round));
        }
        System.out.printf("after ÷ before, same round: median %.2f (%.2f–%.2f)%n", Scenario.median(ratios),
                Collections.min(ratios), Collections.max(ratios));
        System.exit(0);
    }

    /** One side's turn: every thread runs the operation for 2 s; the calls per second. */
    private static double turn(ExecutorService pool, int threads, Operation operation) throws Exception {
        long start = System.nanoTime();
        long end = start + TURN_NANOS;
        AtomicLong calls = new AtomicLong();
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int thread = i;
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    operation.run(thread);
                    calls.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        return calls.get() / ((System.nanoTime() - start) / 1e9);
    }

    /** The operation on a template of the build in {@code jar}, by reflection: its classes are that build's. */
    private static Operation operation(String jar, String endpoint, String operation, String name, int threads)
            throws Exception {
        ClassLoader loader = new URLClassLoader(new URL[] { new File(jar).toURI().toURL() },
                BeforeAndAfter.class.getClassLoader());
        Class<?> templateClass = loader.loadClass("dev.etcdspring.core.EtcdTemplate");
        Object builder = templateClass.getMethod("builder").invoke(null);
        builder.getClass().getMethod("endpoints", String[].class).invoke(builder, (Object) new String[] { endpoint });
        Class<?> api = loader.loadClass("dev.etcdspring.core.EtcdApi");
        builder.getClass().getMethod("api", api).invoke(builder, api.getField("V3").get(null));
        Object template = builder.getClass().getMethod("build").invoke(builder);
        Class<?> readOptions = loader.loadClass("dev.etcdspring.core.ReadOptions");
        Class<?> writeOptions = loader.loadClass("dev.etcdspring.core.WriteOptions");
        Method set = templateClass.getMethod("set", String.class, String.class);
        String key = "/ab/" + name;
        set.invoke(template, key, "0");
        switch (operation) {
            case "swap" -> {
                Method swap = templateClass.getMethod("swap", String.class, UnaryOperator.class);
                UnaryOperator<String> increment = (n) -> Long.toString(Long.parseLong(n) + 1);
                return (thread) -> swap.invoke(template, key, increment);
            }
            case "set" -> {
                return (thread) -> set.invoke(template, key + "-" + thread, "v");
            }
            case "cas" -> {
                Method setWith = templateClass.getMethod("set", String.class, String.class, writeOptions);
                Object defaults = writeOptions.getMethod("defaults").invoke(null);
                Method prevIndex = writeOptions.getMethod("prevIndex", long.class);
                long[] index = new long[threads];
                for (int i = 0; i < threads; i++) {
                    index[i] = modifiedIndex(set.invoke(template, key + "-" + i, "v"));
                }
                return (thread) -> index[thread] = modifiedIndex(setWith.invoke(template, key + "-" + thread, "v",
                        prevIndex.invoke(defaults, index[thread])));
            }
            case "get-local" -> {
                Method get = templateClass.getMethod("get", String.class, readOptions);
                Object local = readOptions.getMethod("quorum", boolean.class)
                    .invoke(readOptions.getMethod("defaults").invoke(null), false);
                return (thread) -> get.invoke(template, key, local);
            }
            default -> throw new IllegalArgumentException(
                    "unknown operation '" + operation + "': swap, set, cas or get-local");
        }
    }

    private static long modifiedIndex(Object response) throws Exception {
        Object node = response.getClass().getMethod("node").invoke(response);
        return (long) node.getClass().getMethod("modifiedIndex").invoke(node);
    }
}
