package dev.etcdspring.benchmark;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdRequestFactories;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.http.client.ClientHttpRequestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one small read costs through each HTTP backend (on v2, whose GET a raw socket can send by hand), against a
 * raw keep-alive socket sending the same request in the same run; then the same on v3. Single thread, rounds interleaved so that drift in the machine hits every backend
 * alike; the median round counts. Not part of the test suite: run it with
 * {@code ./mvnw -pl etcd-spring-core test -Pbenchmark}. Writes
 * {@code target/benchmark-http-backends.md}.
 */
class HttpBackendBenchmark {

    private static final int WARMUP = 3_000;

    private static final int OPS = 4_000;

    private static final int ROUNDS = 5;

    private static final String DEFAULT_BACKEND = "socket channels (EtcdRequestFactories.socket, the default for http)";

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void smallLinearizableGet() throws Exception {
        Duration connect = Duration.ofSeconds(2);
        Map<String, Function<Duration, ClientHttpRequestFactory>> backends = new LinkedHashMap<>();
        backends.put(DEFAULT_BACKEND, EtcdRequestFactories.socket(connect));
        backends.put("Jetty HttpClient (EtcdRequestFactories.jetty)", EtcdRequestFactories.jetty(connect));
        backends.put("Apache HttpClient 5 (EtcdRequestFactories.httpComponents)", EtcdRequestFactories.httpComponents(connect));
        backends.put("HttpURLConnection (EtcdRequestFactories.urlConnection)", EtcdRequestFactories.urlConnection(connect));
        backends.put("JDK HttpClient (EtcdRequestFactories.jdk)", EtcdRequestFactories.jdk(connect));
        Map<String, EtcdTemplate> templates = new LinkedHashMap<>();
        backends.forEach((name, factories) -> templates.put(name, EtcdTemplate.builder()
            .endpoints(etcd.endpoint())
            .api(EtcdApi.V2)
            .requestFactory(factories)
            .build()));
        templates.values().iterator().next().set("bench", "value");
        EtcdTemplate v3 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        v3.set("bench", "value");

        Map<String, long[]> nanosPerOp = new LinkedHashMap<>();
        try (RawSocketGet raw = new RawSocketGet(etcd.endpoint(), "GET /v2/keys/bench?quorum=true", null);
                RawSocketGet rawLocal = new RawSocketGet(etcd.endpoint(), "GET /v2/keys/bench", null);
                RawSocketGet rawV3 = new RawSocketGet(etcd.endpoint(), "POST /v3/kv/range",
                        "{\"key\":\"L2JlbmNo\"}")) {
            Map<String, Op> ops = new LinkedHashMap<>();
            ops.put("v2: raw socket, same request (baseline)", () -> assertThat(raw.get()).contains("\"value\":\"value\""));
            ops.put("v2: raw socket, serializable", () -> assertThat(rawLocal.get()).contains("\"value\":\"value\""));
            templates.forEach((name, t) -> ops.put(name, () -> assertThat(t.get("bench")).isEqualTo("value")));
            templates.forEach((name, t) -> ops.put("serializable: " + name, () -> assertThat(
                    t.get("bench", ReadOptions.defaults().quorum(false))).isEqualTo("value")));
            ops.put("v3: raw socket, a linearizable range of the same key", () -> assertThat(rawV3.get())
                .contains("\"value\":\"dmFsdWU=\""));
            ops.put("v3: the default backend, linearizable", () -> assertThat(v3.get("bench")).isEqualTo("value"));
            ops.put("v3: the default backend, quorum(false): a serializable range", () -> assertThat(
                    v3.get("bench", ReadOptions.defaults().quorum(false))).isEqualTo("value"));
            for (Op op : ops.values()) {
                run(op, WARMUP);
            }
            ops.keySet().forEach((name) -> nanosPerOp.put(name, new long[ROUNDS]));
            for (int round = 0; round < ROUNDS; round++) {
                for (Map.Entry<String, Op> op : ops.entrySet()) {
                    long start = System.nanoTime();
                    run(op.getValue(), OPS);
                    nanosPerOp.get(op.getKey())[round] = (System.nanoTime() - start) / OPS;
                }
            }
        }
        double baseline = median(nanosPerOp.values().iterator().next());
        List<String> lines = new ArrayList<>();
        lines.add("| backend | µs per get (median of " + ROUNDS + " rounds of " + OPS + ") | × v2 raw socket |");
        lines.add("|---|---|---|");
        nanosPerOp.forEach((name, rounds) -> lines.add(String.format("| %s | %.0f | %.2f |", name,
                median(rounds) / 1000.0, median(rounds) / baseline)));
        String table = String.join("\n", lines) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target", "benchmark-http-backends.md"), table);
        assertThat(nanosPerOp).allSatisfy((name, rounds) -> assertThat(Arrays.stream(rounds).min().getAsLong()).isPositive());
    }

    private static void run(Op op, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            op.run();
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @FunctionalInterface
    interface Op {

        void run() throws Exception;
    }

    /** The same GET written by hand on one kept-alive socket: the floor any HTTP client can reach. */
    static final class RawSocketGet implements AutoCloseable {

        private final Socket socket;

        private final OutputStream out;

        private final InputStream in;

        private final byte[] request;

        RawSocketGet(String endpoint, String requestLine, String body) throws IOException {
            URI uri = URI.create(endpoint);
            this.socket = new Socket(uri.getHost(), uri.getPort());
            this.socket.setTcpNoDelay(true);
            this.out = this.socket.getOutputStream();
            this.in = new BufferedInputStream(this.socket.getInputStream());
            this.request = (requestLine + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAccept: application/json\r\n"
                    + ((body != null) ? "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                            + body : "\r\n")).getBytes(StandardCharsets.US_ASCII);
        }

        String get() throws IOException {
            this.out.write(this.request);
            this.out.flush();
            int length = -1;
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = this.in.read();
                if (b == '\n') {
                    String header = line.toString().trim();
                    if (header.isEmpty()) {
                        break;
                    }
                    if (header.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(header.substring(15).trim());
                    }
                    line.setLength(0);
                }
                else if (b < 0) {
                    throw new IOException("connection closed");
                }
                else {
                    line.append((char) b);
                }
            }
            return new String(this.in.readNBytes(length), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            this.socket.close();
        }
    }
}
