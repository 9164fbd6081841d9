package dev.etcdspring.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

/**
 * Runs in a JVM of its own, started by {@link SpringBenchmarks}, and prints one measurement:
 *
 * <ul>
 * <li>{@code startup with|without}: the milliseconds {@code SpringApplication.run} takes for
 * {@link BenchApplication}, with the etcd auto-configurations or with them excluded (same class path), and of those
 * the milliseconds spent creating the etcd beans;</li>
 * <li>{@code heap <args...>}: the heap in use, after collecting garbage, once {@link BenchApplication} has started
 * with the given arguments (an {@code etcd:} import and its watch, a file of the same properties, or neither).</li>
 * </ul>
 */
public final class StartupProbe {

    private StartupProbe() {
    }

    /**
     * Measures.
     *
     * @param args the mode and its arguments
     * @throws Exception when the application cannot start
     */
    public static void main(String[] args) throws Exception {
        List<String> appArgs = new ArrayList<>(List.of(args).subList(1, args.length));
        if (args[0].equals("startup")) {
            if (appArgs.remove("without")) {
                appArgs.add("--spring.autoconfigure.exclude=" + String.join(",", etcdAutoConfigurations()));
            }
            appArgs.remove("with");
            BufferingApplicationStartup steps = new BufferingApplicationStartup(20_000);
            long start = System.nanoTime();
            try (ConfigurableApplicationContext context = BenchApplication.start(null, steps,
                    appArgs.toArray(new String[0]))) {
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.println("RESULT " + millis + " " + etcdBeansMillis(steps) + " "
                        + ManagementFactory.getRuntimeMXBean().getUptime());
            }
        }
        else {
            try (ConfigurableApplicationContext context = BenchApplication.start(null, appArgs.toArray(new String[0]))) {
                long used = 0;
                for (int i = 0; i < 5; i++) {
                    System.gc();
                    Thread.sleep(100);
                    used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                }
                System.out.println("RESULT " + used + " " + context.getEnvironment().getPropertySources().size());
            }
        }
        System.exit(0);
    }

    /**
     * The time Spring spent creating the etcd beans, dependencies included: the outermost instantiation steps of
     * beans whose name starts with {@code etcd}.
     */
    private static long etcdBeansMillis(BufferingApplicationStartup steps) {
        java.util.Set<Long> etcdSteps = new java.util.HashSet<>();
        long nanos = 0;
        for (StartupTimeline.TimelineEvent event : steps.getBufferedTimeline().getEvents()) {
            StartupStep step = event.getStartupStep();
            boolean etcd = step.getName().equals("spring.beans.instantiate") && java.util.stream.StreamSupport
                .stream(step.getTags().spliterator(), false)
                .anyMatch((tag) -> tag.getKey().equals("beanName") && tag.getValue().startsWith("etcd"));
            if (etcd) {
                etcdSteps.add(step.getId());
                if (step.getParentId() == null || !etcdSteps.contains(step.getParentId())) {
                    nanos += event.getDuration().toNanos();
                }
            }
        }
        return nanos / 1_000_000;
    }

    /** The auto-configurations the etcd starter registers. */
    private static List<String> etcdAutoConfigurations() throws IOException {
        List<String> names = new ArrayList<>();
        Enumeration<URL> files = StartupProbe.class.getClassLoader()
            .getResources("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
        while (files.hasMoreElements()) {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(files.nextElement().openStream(), StandardCharsets.UTF_8))) {
                in.lines().map(String::strip).filter((line) -> line.startsWith("dev.etcdspring.")).forEach(names::add);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no etcd auto-configuration on the class path");
        }
        return names;
    }
}
