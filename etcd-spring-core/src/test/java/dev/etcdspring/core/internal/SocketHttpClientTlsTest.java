package dev.etcdspring.core.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import dev.etcdspring.core.internal.SocketHttpClientTest.ScriptedServer;
import dev.etcdspring.test.FaultyEndpoint;
import dev.etcdspring.test.TestCertificates;
import dev.etcdspring.test.TestSslContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link SocketHttpClient} over TLS against a scripted JDK TLS server: the framing faults of
 * {@link SocketHttpClientTest} once more through an {@code SSLEngine} (one byte per TLS record, answers cut short,
 * idle connections closed with and without {@code close_notify}), and what only TLS has: session tickets and a
 * TLS 1.2 renegotiation in the middle of an exchange, the protocols chosen, handshakes that fail or never end.
 */
class SocketHttpClientTlsTest {

    @TempDir
    static Path certificates;

    private static TestCertificates tls;

    private static SSLContext server;

    private SocketHttpClient client = client(null, null);

    private ScriptedServer scripted;

    @BeforeAll
    static void certificates() {
        tls = TestCertificates.generate(certificates);
        server = TestSslContexts.trusting(tls.caCertificate(), tls.serverCertificate(), tls.serverKey());
    }

    private static SocketHttpClient client(List<String> protocols, List<String> ciphers) {
        return new SocketHttpClient(Duration.ofSeconds(2),
                new TlsSettings(TestSslContexts.trusting(tls.caCertificate()), protocols, ciphers));
    }

    @AfterEach
    void close() throws IOException {
        this.client.close();
        if (this.scripted != null) {
            this.scripted.close();
        }
    }

    private String exchange(String path) throws IOException {
        return exchange(path, Duration.ofSeconds(2));
    }

    private String exchange(String path, Duration timeout) throws IOException {
        ClientHttpRequest request = this.client.apply(timeout)
            .createRequest(URI.create(this.scripted.url("https") + path), HttpMethod.GET);
        try (ClientHttpResponse response = request.execute()) {
            return response.getStatusCode().value() + " " + new String(response.getBody().readAllBytes(),
                    StandardCharsets.UTF_8);
        }
    }

    @Test
    void sequentialRequestsShareOneKeptAliveTlsConnectionThroughItsSessionTickets() throws IOException {
        this.scripted = new ScriptedServer((request, out) -> answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                server);
        for (int i = 0; i < 5; i++) {
            assertThat(exchange("/k" + i)).isEqualTo("200 ok");
        }
        assertThat(this.scripted.connections()).isEqualTo(1);
        assertThat(this.scripted.protocols()).containsExactly("TLSv1.3");
    }

    @Test
    void aTlsConnectionTheServerClosedWithCloseNotifyWhileIdleIsNotReused() throws IOException {
        this.scripted = new ScriptedServer((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return false;
        }, server);
        assertThat(exchange("/first")).isEqualTo("200 ok");
        await().atMost(Duration.ofSeconds(5)).until(() -> this.scripted.closedByServer() == 1);
        assertThat(exchange("/second")).as("sent on a fresh connection, not on the closed one").isEqualTo("200 ok");
        assertThat(this.scripted.connections()).isEqualTo(2);
    }

    @Test
    void aTlsConnectionWhoseTcpConnectionEndedWithoutCloseNotifyIsNotReused() throws IOException {
        this.scripted = new ScriptedServer((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            ScriptedServer.currentRawSocket().close();
            return false;
        }, server);
        assertThat(exchange("/first")).isEqualTo("200 ok");
        await().atMost(Duration.ofSeconds(5)).until(() -> this.scripted.closedByServer() == 1);
        assertThat(exchange("/second")).isEqualTo("200 ok");
        assertThat(this.scripted.connections()).isEqualTo(2);
    }

    @Test
    void anAnswerArrivingOneByteAtATimeInItsOwnRecordsIsReassembled() throws IOException {
        String body = "{\"value\":\"物\"}";
        this.scripted = new ScriptedServer((request, out) -> {
            byte[] answer = ("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
            for (byte b : answer) {
                out.write(b);
                out.flush();
            }
            return true;
        }, server);
        assertThat(exchange("/slow")).isEqualTo("201 " + body);
        assertThat(exchange("/slow")).isEqualTo("201 " + body);
        assertThat(this.scripted.connections()).isEqualTo(1);
    }

    @Test
    void largeAnswersChunkedOrNotAreReadWholeAndTheConnectionReused() throws IOException {
        String large = "abcdefgh".repeat(256 * 1024);
        AtomicInteger answered = new AtomicInteger();
        this.scripted = new ScriptedServer((request, out) -> {
            if (answered.incrementAndGet() % 2 == 1) {
                return answer(out, "HTTP/1.1 200 OK\r\nContent-Length: " + large.length() + "\r\n\r\n" + large);
            }
            StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < large.length(); i += 40_000) {
                String chunk = large.substring(i, Math.min(large.length(), i + 40_000));
                chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
            }
            return answer(out, chunked.append("0\r\n\r\n").toString());
        }, server);
        assertThat(exchange("/fixed")).isEqualTo("200 " + large);
        assertThat(exchange("/chunked")).isEqualTo("200 " + large);
        assertThat(exchange("/fixed")).isEqualTo("200 " + large);
        assertThat(this.scripted.connections()).isEqualTo(1);
    }

    @Test
    void anAnswerCutShortFailsInsteadOfReturningPartOfTheBody() {
        this.scripted = new ScriptedServer((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
            return false;
        }, server);
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> exchange("/cut"))
            .withMessageContaining("91 bytes of the answer unsent");
    }

    @Test
    void anAnswerCutShortWithoutCloseNotifyFailsToo() {
        this.scripted = new ScriptedServer((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
            ScriptedServer.currentRawSocket().close();
            return false;
        }, server);
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> exchange("/cut"))
            .withMessageContaining("91 bytes of the answer unsent");
    }

    @Test
    void aTls12RenegotiationTheServerStartsInTheMiddleOfAnExchangeIsCompleted() throws IOException {
        this.client = client(List.of("TLSv1.2"), null);
        this.scripted = new ScriptedServer((request, out) -> {
            ((SSLSocket) ScriptedServer.currentSocket()).startHandshake();
            return answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }, server);
        assertThat(exchange("/renegotiated")).isEqualTo("200 ok");
        assertThat(exchange("/again")).isEqualTo("200 ok");
        assertThat(this.scripted.connections()).isEqualTo(1);
        assertThat(this.scripted.protocols()).containsExactly("TLSv1.2");
    }

    @Test
    void theProtocolChosenIsTheOneNegotiated() throws IOException {
        this.client = client(List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        this.scripted = new ScriptedServer((request, out) -> answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                server);
        assertThat(exchange("/v12")).isEqualTo("200 ok");
        assertThat(this.scripted.protocols()).containsExactly("TLSv1.2");
    }

    @Test
    void aServerCertificateFromAnotherCaFailsTheHandshake() {
        this.client = new SocketHttpClient(Duration.ofSeconds(2),
                new TlsSettings(TestSslContexts.trusting(tls.wrongCaCertificate()), null, null));
        this.scripted = new ScriptedServer((request, out) -> answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
                server);
        assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> exchange("/untrusted"))
            .satisfies((e) -> assertThat(TransportFailures.tlsProblem(e)).contains("certificate not trusted"));
        assertThat(this.scripted.requestLines()).isEmpty();
    }

    @Test
    void aServerThatNeverHandshakesTimesOutAsAConnectTimeout() {
        try (FaultyEndpoint stalling = FaultyEndpoint.stalling()) {
            SocketHttpClient impatient = new SocketHttpClient(Duration.ofMillis(200),
                    new TlsSettings(TestSslContexts.trusting(tls.caCertificate()), null, null));
            long start = System.nanoTime();
            assertThatExceptionOfType(SocketTimeoutException.class)
                .isThrownBy(() -> impatient.apply(Duration.ofSeconds(5))
                    .createRequest(URI.create(stalling.url().replace("http:", "https:") + "/x"), HttpMethod.GET)
                    .execute())
                .withMessageContaining("Connect timed out")
                .withMessageContaining("TLS handshake");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            impatient.close();
        }
    }

    @Test
    void theTimeoutBoundsTheWholeExchangeEvenWhileRecordsKeepArriving() {
        this.scripted = new ScriptedServer((request, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) {
                out.write('x');
                out.flush();
                try {
                    Thread.sleep(10);
                }
                catch (InterruptedException ex) {
                    return false;
                }
            }
            return false;
        }, server);
        long start = System.nanoTime();
        assertThatExceptionOfType(SocketTimeoutException.class)
            .isThrownBy(() -> exchange("/trickle", Duration.ofMillis(300)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aTrackedThreadsRequestIsAbortedFromAnotherThread() throws Exception {
        this.scripted = new ScriptedServer((request, out) -> {
            try {
                Thread.sleep(60_000);
            }
            catch (InterruptedException ex) {
                // Closed.
            }
            return false;
        }, server);
        assertAborted(() -> this.scripted.requestLines().size() == 1, this.scripted.url("https"));
    }

    @Test
    void aHandshakeInProgressIsAbortedFromAnotherThread() throws Exception {
        try (FaultyEndpoint stalling = FaultyEndpoint.stalling()) {
            this.client = new SocketHttpClient(Duration.ofSeconds(60),
                    new TlsSettings(TestSslContexts.trusting(tls.caCertificate()), null, null));
            // Aborted once the ClientHello is out: the endpoint counts no request, so wait a little instead.
            assertAborted(() -> {
                Thread.sleep(300);
                return true;
            }, stalling.url().replace("http:", "https:"));
        }
    }

    private void assertAborted(java.util.concurrent.Callable<Boolean> waiting, String url) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            try {
                ClientHttpRequest request = this.client.apply(Duration.ofSeconds(60))
                    .createRequest(URI.create(url + "/long-poll"), HttpMethod.GET);
                try (ClientHttpResponse response = request.execute()) {
                    response.getBody().readAllBytes();
                }
            }
            catch (Throwable ex) {
                failure.set(ex);
            }
            done.countDown();
        });
        this.client.track(thread);
        thread.start();
        await().atMost(Duration.ofSeconds(5)).until(waiting);
        this.client.abort(thread);
        assertThat(done.await(5, TimeUnit.SECONDS)).as("the aborted request ended").isTrue();
        assertThat(failure.get()).isInstanceOf(IOException.class);
        this.client.untrack(thread);
    }

    private static boolean answer(OutputStream out, String answer) throws IOException {
        out.write(answer.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
    }
}
