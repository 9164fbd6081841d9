package dev.etcdspring.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.etcdspring.config.ConfigTestApplication.DemoProperties;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.WatchOptions;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write-to-rebind lag of live configuration, on both APIs: from the start of a write to etcd until the bound
 * {@code @ConfigurationProperties} bean holds the new value (an {@link EtcdConfigChangedEvent} listener sees it),
 * one write at a time; against, in the same run, the lag of a bare watch on the same key (the baseline: what etcd
 * and the watch take before the refresh does anything). Run with {@code -Pbenchmark}; writes
 * {@code target/benchmark-refresh-lag.md}.
 */
class RefreshLagBenchmark {

    private static final int WRITES = 200;

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void writeToRebind() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("| API | bare watch p50 / p99 ms (baseline) | write-to-rebind p50 / p99 / max ms | p50 − baseline ms |");
        lines.add("|---|---|---|---|");
        for (EtcdApi api : EtcdApi.values()) {
            try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(api).build()) {
                etcdTemplate.deleteAll("/config");
                etcdTemplate.set("/config/lag/demo/title", "start");
                double[] watch = bareWatch(etcdTemplate);
                double[] rebind = rebind(etcdTemplate, api);
                lines.add(String.format(Locale.ROOT, "| %s | %.2f / %.2f | %.2f / %.2f / %.2f | %.2f |", api,
                        percentile(watch, 50), percentile(watch, 99), percentile(rebind, 50), percentile(rebind, 99),
                        rebind[rebind.length - 1], percentile(rebind, 50) - percentile(watch, 50)));
            }
        }
        String table = String.join("\n", lines) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target", "benchmark-refresh-lag.md"), table);
    }

    private static double[] bareWatch(EtcdTemplate etcdTemplate) throws Exception {
        BlockingQueue<Long> seen = new ArrayBlockingQueue<>(WRITES * 2);
        try (EtcdWatch watch = etcdTemplate.watch("/config/lag", WatchOptions.defaults().recursive(true),
                (event) -> seen.add(System.nanoTime()))) {
            return measure(etcdTemplate, seen);
        }
    }

    private static double[] rebind(EtcdTemplate etcdTemplate, EtcdApi api) throws Exception {
        BlockingQueue<Long> seen = new ArrayBlockingQueue<>(WRITES * 2);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class)
            .web(WebApplicationType.NONE)
            .listeners((org.springframework.context.ApplicationListener<EtcdConfigChangedEvent>) (event) -> seen
                .add(System.nanoTime()))
            .run("--etcd.endpoints=" + etcd.endpoint(), "--etcd.api=" + api.name().toLowerCase(Locale.ROOT),
                    "--spring.config.import=etcd:/config/lag/", "--logging.level.root=warn",
                    "--spring.main.banner-mode=off")) {
            DemoProperties demo = context.getBean(DemoProperties.class);
            double[] lags = measure(etcdTemplate, seen);
            assertThat(demo.getTitle()).isEqualTo("write " + (WRITES - 1));
            return lags;
        }
    }

    /** Writes one value at a time, waiting for each to be seen; the first 20 warm up. */
    private static double[] measure(EtcdTemplate etcdTemplate, BlockingQueue<Long> seen) throws Exception {
        double[] lags = new double[WRITES - 20];
        for (int i = 0; i < WRITES; i++) {
            long written = System.nanoTime();
            etcdTemplate.set("/config/lag/demo/title", "write " + i);
            Long at = seen.poll(10, TimeUnit.SECONDS);
            assertThat(at).as("write %d seen", i).isNotNull();
            if (i >= 20) {
                lags[i - 20] = (at - written) / 1e6;
            }
        }
        Arrays.sort(lags);
        return lags;
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
