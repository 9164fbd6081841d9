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
 * Swap of one v3 counter by two builds of the client side by side in one JVM, against one etcd: the jar before a
 * change and the jar after it, each in a class loader of its own over the same dependencies, taking turns of 2 s
 * (in an order that alternates by round), so that the machine's and the disk's drift hit both alike. Used for
 * issue 14's before-and-after, where whole benchmark runs one after another differed by more than the change.
 *
 * <pre>
 * java -cp DEPENDENCIES:benchmarks/target/classes dev.etcdspring.benchmarks.BeforeAndAfter \
 *     http://127.0.0.1:2379 THREADS ROUNDS BEFORE.jar AFTER.jar
 * </pre>
 *
 * DEPENDENCIES: the core's dependencies without its own jar. Writes {@code /ab/before} and {@code /ab/after}.
 */
public final class BeforeAndAfter {
    private BeforeAndAfter() {
    }

    /**
     * Runs the comparison and prints the median and every round of each side.
     *
     * @param a the endpoint, threads, measured rounds, the jar before and the jar after
     * @throws Exception when etcd or a jar cannot be used
     */
    public static void main(String[] a) throws Exception {
        String endpoint = a[0]; int threads = Integer.parseInt(a[1]); int rounds = Integer.parseInt(a[2]);
        Object[] t = { template(a[3], endpoint), template(a[4], endpoint) };
        String[] names = { "before", "after" };
        Method swap = t[0].getClass().getMethod("swap", String.class, UnaryOperator.class);
        Method swapB = t[1].getClass().getMethod("swap", String.class, UnaryOperator.class);
        Method set0 = t[0].getClass().getMethod("set", String.class, String.class);
        set0.invoke(t[0], "/ab/before", "0"); set0.invoke(t[0], "/ab/after", "0");
        UnaryOperator<String> inc = (n) -> Long.toString(Long.parseLong(n) + 1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
        for (int r = 0; r <= rounds; r++) {
            for (int s0 = 0; s0 < 2; s0++) {
                int s = (r % 2 == 0) ? s0 : 1 - s0;
                Method m = (s == 0) ? swap : swapB; Object tmpl = t[s]; String key = "/ab/" + names[s];
                long end = System.nanoTime() + 2_000_000_000L; AtomicLong n = new AtomicLong();
                List<Future<?>> fs = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < threads; i++) fs.add(pool.submit(() -> { while (System.nanoTime() < end) { m.invoke(tmpl, key, inc); n.incrementAndGet(); } return null; }));
                for (Future<?> f : fs) f.get();
                double rate = n.get() / ((System.nanoTime() - start) / 1e9);
                if (r > 0) rates.get(s).add(rate);
            }
        }
        for (int s = 0; s < 2; s++) { List<Double> l = new ArrayList<>(rates.get(s)); Collections.sort(l); System.out.printf("%s %d threads: median %.0f swaps/s, all %s%n", names[s], threads, l.get(l.size()/2), rates.get(s).stream().map(x -> String.format("%.0f", x)).toList()); }
        System.exit(0);
    }
    static Object template(String jar, String endpoint) throws Exception {
        ClassLoader cl = new URLClassLoader(new URL[] { new File(jar).toURI().toURL() }, BeforeAndAfter.class.getClassLoader());
        Class<?> tc = cl.loadClass("dev.etcdspring.core.EtcdTemplate");
        Object b = tc.getMethod("builder").invoke(null);
        b.getClass().getMethod("endpoints", String[].class).invoke(b, (Object) new String[] { endpoint });
        Class<?> api = cl.loadClass("dev.etcdspring.core.EtcdApi");
        b.getClass().getMethod("api", api).invoke(b, api.getField("V3").get(null));
        return b.getClass().getMethod("build").invoke(b);
    }
}
