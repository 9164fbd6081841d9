// One job: the sample, run as its own process with pages' event streams open, stops within 2 s of Ctrl-C (SIGINT).
package dev.etcdspring.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application in a JVM of its own, as {@code run-sample.sh} runs it, against a real etcd: with three of
 * the page's event streams ({@code GET /api/updates}) open, a SIGINT stops it within 2 s, with the JVM's exit code
 * for it (128 + 2), every stream ended by the server (not cut off) and the web server's graceful shutdown
 * complete rather than aborted at its timeout.
 * <p>
 * The application is started through {@code env --default-signal=INT} (GNU coreutils): a shell without job
 * control, as CI runs Maven in, starts its background commands with SIGINT ignored, every process below inherits
 * that, and a JVM that finds SIGINT ignored leaves it so.
 */
class SampleShutdownTest {

    private static final int STREAMS = 3;

    private static final Duration STOP_WITHIN = Duration.ofSeconds(2);

    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void stopsWithinTwoSecondsOfSigintWithEventStreamsOpen() throws Exception {
        Path log = Files.createTempFile("sample-shutdown", ".log");
        Process application = start(log);
        ExecutorService readers = Executors.newCachedThreadPool();  // blocking reads: not the common pool
        try {
            int port = awaitPort(application, log);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<List<String>>> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                streams.add(openStream(http, port, readers));
            }

            long signalled = System.nanoTime();
            // The shell's kill: no procps needed. By the application's PID only.
            Process kill = new ProcessBuilder("sh", "-c", "kill -INT \"$1\"", "sh", Long.toString(application.pid()))
                .inheritIO()
                .start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -INT %d", application.pid())
                .isTrue();
            boolean exited = application.waitFor(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertThat(exited).as("stopped within %s of SIGINT; its output:%n%s", STOP_WITHIN, output(log)).isTrue();
            System.out.println("The sample stopped " + stopMillis + " ms after SIGINT");

            assertThat(application.exitValue()).as("exit code (128 + SIGINT); output:%n%s", output(log))
                .isEqualTo(128 + 2);
            for (CompletableFuture<List<String>> stream : streams) {
                // Read to its end without an error: the server ended it (chunked encoding's last chunk).
                assertThat(stream).as("an event stream").succeedsWithin(Duration.ofSeconds(10));
            }
            assertThat(output(log)).contains("Graceful shutdown complete").doesNotContain("Graceful shutdown aborted");
        }
        finally {
            readers.shutdownNow();
            application.destroyForcibly();
            application.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    private static Process start(Path log) throws IOException {
        // Surefire runs tests from a manifest-only jar and says what the class path really is here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder("env", "--default-signal=INT", java.toString(), "-cp", classPath,
                SampleApplication.class.getName(), "--etcd.endpoints=" + etcd.endpoint(), "--server.port=0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    }

    /** The port the application's web server listens on, once it has started. */
    private static int awaitPort(Process application, Path log) {
        return await().atMost(Duration.ofMinutes(2)).until(() -> {
            String output = output(log);
            Matcher started = STARTED.matcher(output);
            if (started.find()) {
                return Integer.parseInt(started.group(1));
            }
            assertThat(application.isAlive()).as("the application is running; its output:%n%s", output).isTrue();
            return null;
        }, (port) -> port != null);
    }

    /**
     * Opens a stream and waits for its first event, {@code :live}, which the application sends once it holds the
     * stream; the future then reads the rest, to its end.
     */
    private static CompletableFuture<List<String>> openStream(HttpClient http, int port, ExecutorService readers)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/updates"))
            .header("Accept", "text/event-stream")
            .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> readLine(events), readers);
        assertThat(first).as("the stream's first event").succeedsWithin(Duration.ofSeconds(30)).isEqualTo(":live");
        return CompletableFuture.supplyAsync(() -> {
            List<String> rest = new ArrayList<>();
            for (String line = readLine(events); line != null; line = readLine(events)) {
                rest.add(line);
            }
            return rest;
        }, readers);
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        }
        catch (IOException ex) {
            throw new IllegalStateException("the stream broke off", ex);
        }
    }

    private static String output(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
