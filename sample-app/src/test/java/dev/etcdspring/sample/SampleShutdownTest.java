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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.etcdspring.samplefaults.LingeringAsyncDispatches;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application in a JVM of its own, as {@code run-sample.sh} runs it, against a real etcd: with three of
 * the page's event streams ({@code GET /api/updates}) open, a SIGINT stops it within 2 s, with the JVM's exit code
 * for it (128 + 2), every stream ended by the server (not cut off) and the web server's graceful shutdown
 * complete rather than aborted at its timeout. {@link SampleProcess} starts it and sends the signal.
 * <p>
 * The same holds when Tomcat lingers after the streams' last dispatches ({@link LingeringAsyncDispatches}): there it
 * no longer counts them as requests in progress, and would close their connections before their last chunk unless
 * the application ends them itself ({@code EventStreamEnds}). A busy CI machine once cut a stream off that way.
 */
class SampleShutdownTest {

    private static final int STREAMS = 3;

    private static final Duration STOP_WITHIN = Duration.ofSeconds(2);

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void stopsWithinTwoSecondsOfSigintWithEventStreamsOpen() throws Exception {
        String output = stopWithStreamsOpen();
        assertThat(output).doesNotContain(LingeringAsyncDispatches.LINGERED);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void endsEveryStreamWhenTheServerLingersAfterTheirLastDispatch() throws Exception {
        String output = stopWithStreamsOpen("--spring.main.sources=" + LingeringAsyncDispatches.class.getName());
        assertThat(output).as("the fault was in place").contains(LingeringAsyncDispatches.LINGERED);
    }

    /**
     * Starts the sample, opens the streams, sends SIGINT and checks how it stopped.
     *
     * @return the application's output
     */
    private static String stopWithStreamsOpen(String... arguments) throws Exception {
        ExecutorService readers = Executors.newCachedThreadPool();  // blocking reads: not the common pool
        try (SampleProcess application = SampleProcess.start(etcd.endpoint(), arguments)) {
            int port = application.awaitPort();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<List<String>>> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                streams.add(openStream(http, port, readers));
            }

            long signalled = System.nanoTime();
            application.interrupt();
            boolean exited = application.waitFor(STOP_WITHIN);
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertThat(exited).as("stopped within %s of SIGINT; its output:%n%s", STOP_WITHIN, application.output())
                .isTrue();
            System.out.println("The sample stopped " + stopMillis + " ms after SIGINT");

            assertThat(application.exitValue()).as("exit code (128 + SIGINT); output:%n%s", application.output())
                .isEqualTo(128 + 2);
            for (CompletableFuture<List<String>> stream : streams) {
                // Read to its end without an error: the server ended it (chunked encoding's last chunk).
                assertThat(stream).as("an event stream").succeedsWithin(Duration.ofSeconds(10));
            }
            String output = application.output();
            assertThat(output).contains("Graceful shutdown complete")
                .doesNotContain("Graceful shutdown aborted")
                .doesNotContain("Event streams still open");
            return output;
        }
        finally {
            readers.shutdownNow();
        }
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
}
