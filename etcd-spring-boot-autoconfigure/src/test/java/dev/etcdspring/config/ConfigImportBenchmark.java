package dev.etcdspring.config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What loading a configuration tree of 10,000 keys costs, on both APIs: one read of the whole path into property
 * names and values, against the same read sent by the JDK's {@code HttpClient} with no parsing at all (the
 * baseline, in the same run); and a whole application start with the import against the same start without it.
 * Run with {@code -Pbenchmark}; writes {@code target/benchmark-config-import.md}.
 */
class ConfigImportBenchmark {

    private static final int KEYS = 10_000;

    private static final int ROUNDS = 11;

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void tenThousandKeys() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("| API | raw HTTP read, no parsing (baseline) ms | `EtcdConfigReader.read` ms | × baseline "
                + "| application start with the import ms | without ms |");
        lines.add("|---|---|---|---|---|---|");
        HttpClient http = HttpClient.newHttpClient();
        for (EtcdApi api : EtcdApi.values()) {
            try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(api).build()) {
                long writeStart = System.nanoTime();
                IntStream.range(0, KEYS).parallel().forEach((i) -> etcdTemplate
                    .set("/config/bench/group" + (i % 100) + "/item" + (i / 100) + "/value", "value number " + i));
                System.out.printf("%s: wrote %d keys in %d ms%n", api, KEYS, (System.nanoTime() - writeStart) / 1_000_000);
                HttpRequest raw = rawRead(api);
                Callable<Object> baseline = () -> http.send(raw, HttpResponse.BodyHandlers.ofByteArray()).body();
                Callable<Object> reader = () -> {
                    EtcdPropertySource.Snapshot snapshot = EtcdConfigReader.read(etcdTemplate, "/config/bench/",
                            EtcdConfigFormat.KEY_VALUE);
                    assertThat(snapshot.values()).hasSize(KEYS);
                    return snapshot;
                };
                String a = api.name().toLowerCase(Locale.ROOT);
                Callable<Object> withImport = () -> start(a, "--spring.config.import=etcd:/config/bench/");
                Callable<Object> without = () -> start(a);
                double baselineMs = median(baseline);
                double readerMs = median(reader);
                double withMs = median(withImport);
                double withoutMs = median(without);
                lines.add(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.0f | %.0f |", api, baselineMs,
                        readerMs, readerMs / baselineMs, withMs, withoutMs));
                etcdTemplate.deleteAll("/config/bench");
            }
        }
        String table = String.join("\n", lines) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target", "benchmark-config-import.md"), table);
    }

    private static HttpRequest rawRead(EtcdApi api) {
        if (api == EtcdApi.V2) {
            return HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys/config/bench?recursive=true&quorum=true"))
                .build();
        }
        Base64.Encoder b64 = Base64.getEncoder();
        String body = "{\"key\":\"" + b64.encodeToString("/config/bench/".getBytes(StandardCharsets.UTF_8))
                + "\",\"range_end\":\"" + b64.encodeToString("/config/bench0".getBytes(StandardCharsets.UTF_8)) + "\"}";
        return HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v3/kv/range"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    private static Object start(String api, String... args) {
        List<String> all = new ArrayList<>(List.of("--etcd.endpoints=" + etcd.endpoint(), "--etcd.api=" + api,
                "--spring.main.banner-mode=off", "--logging.level.root=warn"));
        all.addAll(Arrays.asList(args));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class)
            .web(WebApplicationType.NONE)
            .run(all.toArray(new String[0]))) {
            return context.getId();
        }
    }

    /** The median wall time of {@link #ROUNDS} runs, after three to warm up. */
    private static double median(Callable<Object> run) throws Exception {
        for (int i = 0; i < 3; i++) {
            run.call();
        }
        double[] millis = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            run.call();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[ROUNDS / 2];
    }
}
