package dev.etcdspring.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP/1.1 framing of {@link SocketHttpClient} against a scripted local server: what etcd sends is covered by
 * the tests against real etcd (where this client is the default backend); these are the answers and faults etcd does
 * not produce on demand.
 */
class SocketHttpClientTest {

    private final SocketHttpClient client = new SocketHttpClient(Duration.ofSeconds(2));

    private ScriptedServer server;

    @AfterEach
    void close() throws IOException {
        this.client.close();
        if (this.server != null) {
            this.server.close();
        }
    }

    private String exchange(String path) throws IOException {
        return exchange(path, Duration.ofSeconds(2));
    }

    private String exchange(String path, Duration timeout) throws IOException {
        ClientHttpRequest request = this.client.apply(timeout)
            .createRequest(URI.create(this.server.url() + path), HttpMethod.GET);
        try (ClientHttpResponse response = request.execute()) {
            return response.getStatusCode().value() + " " + new String(response.getBody().readAllBytes(),
                    StandardCharsets.UTF_8);
        }
    }

    @Test
    void sequentialRequestsShareOneKeptAliveConnection() throws IOException {
        this.server = new ScriptedServer((request, out) -> answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        for (int i = 0; i < 5; i++) {
            assertThat(exchange("/k" + i)).isEqualTo("200 ok");
        }
        assertThat(this.server.connections()).isEqualTo(1);
        assertThat(this.server.requestLines()).containsExactly("GET /k0 HTTP/1.1", "GET /k1 HTTP/1.1",
                "GET /k2 HTTP/1.1", "GET /k3 HTTP/1.1", "GET /k4 HTTP/1.1");
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsNotReused() throws IOException {
        this.server = new ScriptedServer((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return false;
        });
        assertThat(exchange("/first")).isEqualTo("200 ok");
        await().atMost(Duration.ofSeconds(5)).until(() -> this.server.closedByServer() == 1);
        assertThat(exchange("/second")).as("sent on a fresh connection, not on the closed one").isEqualTo("200 ok");
        assertThat(this.server.connections()).isEqualTo(2);
    }

    @Test
    void chunkedAnswersWithExtensionsAndTrailersAreReadWholeAndTheConnectionReused() throws IOException {
        this.server = new ScriptedServer((request, out) -> answer(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"));
        assertThat(exchange("/a")).isEqualTo("200 hello, world");
        assertThat(exchange("/b")).isEqualTo("200 hello, world");
        assertThat(this.server.connections()).isEqualTo(1);
    }

    @Test
    void anAnswerArrivingOneByteAtATimeIsReassembled() throws IOException {
        String body = "{\"value\":\"物\"}";
        this.server = new ScriptedServer((request, out) -> {
            byte[] answer = ("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
            for (byte b : answer) {
                out.write(b);
                out.flush();
            }
            return true;
        });
        assertThat(exchange("/slow")).isEqualTo("201 " + body);
    }

    @Test
    void connectionCloseAndHttp10AnswersAreReadToTheirEndAndNotReused() throws IOException {
        AtomicInteger answered = new AtomicInteger();
        this.server = new ScriptedServer((request, out) -> {
            if (answered.incrementAndGet() == 1) {
                answer(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\none");
            }
            else {
                answer(out, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
            }
            return false;
        });
        assertThat(exchange("/one")).isEqualTo("200 one");
        assertThat(exchange("/two")).isEqualTo("200 until the end");
        assertThat(this.server.connections()).isEqualTo(2);
    }

    @Test
    void anAnswerCutShortFailsInsteadOfReturningPartOfTheBody() {
        this.server = new ScriptedServer((request, out) -> {
            answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
            return false;
        });
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> exchange("/cut"))
            .withMessageContaining("91 bytes of the answer unsent");
    }

    @Test
    void aServerThatHangsUpWithoutAnsweringFails() {
        this.server = new ScriptedServer((request, out) -> false);
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> exchange("/nothing"))
            .withMessageContaining("closed the connection without answering");
    }

    @Test
    void theTimeoutBoundsTheWholeExchangeEvenWhileBytesKeepArriving() {
        this.server = new ScriptedServer((request, out) -> {
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
        });
        long start = System.nanoTime();
        assertThatExceptionOfType(SocketTimeoutException.class)
            .isThrownBy(() -> exchange("/trickle", Duration.ofMillis(300)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aHeaderBlockLargerThanTheLimitIsRefused() {
        this.server = new ScriptedServer((request, out) -> {
            out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = ("X-Filler: " + "y".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 1100; i++) {
                out.write(line);
            }
            out.flush();
            return false;
        });
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> exchange("/huge"))
            .withMessageContaining("header block is longer than");
    }

    @Test
    void aTrackedThreadsRequestIsAbortedFromAnotherThread() throws Exception {
        this.server = new ScriptedServer((request, out) -> {
            try {
                Thread.sleep(60_000);
            }
            catch (InterruptedException ex) {
                // Closed.
            }
            return false;
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread waiting = new Thread(() -> {
            try {
                exchange("/long-poll", Duration.ofSeconds(60));
            }
            catch (Throwable ex) {
                failure.set(ex);
            }
            done.countDown();
        });
        this.client.track(waiting);
        waiting.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.server.requestLines().size() == 1);
        this.client.abort(waiting);
        assertThat(done.await(5, TimeUnit.SECONDS)).as("the aborted request ended").isTrue();
        assertThat(failure.get()).isInstanceOf(IOException.class);
        this.client.untrack(waiting);
    }

    @Test
    void headerValuesThatWouldSplitTheRequestAreRefusedBeforeAnythingIsSent() throws IOException {
        this.server = new ScriptedServer((request, out) -> answer(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        ClientHttpRequest request = this.client.apply(Duration.ofSeconds(2))
            .createRequest(URI.create(this.server.url() + "/x"), HttpMethod.GET);
        request.getHeaders().add("Authorization", "Basic x\r\nX-Injected: 1");
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(request::execute)
            .withMessageContaining("line breaks");
        assertThat(this.server.requestLines()).isEmpty();
    }

    @Test
    void aSchemeOtherThanHttpOrHttpsIsRefusedWithAClearMessage() {
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.client.apply(Duration.ofSeconds(1))
            .createRequest(URI.create("ftp://127.0.0.1:1/x"), HttpMethod.GET)
            .execute()).withMessageContaining("http and https only");
    }

    private static boolean answer(OutputStream out, String answer) throws IOException {
        out.write(answer.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
    }

    /** Answers each request it reads by a script; the script returns whether to keep the connection open. */
    @FunctionalInterface
    interface Script {

        boolean answer(String requestLine, OutputStream out) throws IOException;
    }

    /**
     * A one-script HTTP server on a loopback port, each connection on its own thread; over TLS when made with a
     * server SSL context.
     */
    static final class ScriptedServer implements AutoCloseable {

        private static final ThreadLocal<Socket> CURRENT = new ThreadLocal<>();

        private static final ThreadLocal<Socket> CURRENT_RAW = new ThreadLocal<>();

        private final ServerSocket socket;

        private final javax.net.ssl.SSLContext tls;

        private final List<String> protocols = new CopyOnWriteArrayList<>();

        private final List<String> requestLines = new CopyOnWriteArrayList<>();

        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        private final AtomicInteger closedByServer = new AtomicInteger();

        ScriptedServer(Script script) {
            this(script, null);
        }

        ScriptedServer(Script script, javax.net.ssl.SSLContext tls) {
            this.tls = tls;
            try {
                this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            }
            catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
            Thread acceptor = new Thread(() -> {
                // Each connection served on its own thread (and, over TLS, its handshake there too).
                while (!this.socket.isClosed()) {
                    try {
                        Socket connection = this.socket.accept();
                        this.accepted.add(connection);
                        Thread serving = new Thread(() -> serve(connection, script));
                        serving.setDaemon(true);
                        serving.start();
                    }
                    catch (IOException ex) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve(Socket raw, Script script) {
            boolean closing = false;
            try (raw) {
                Socket connection = raw;
                if (this.tls != null) {
                    javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) this.tls.getSocketFactory()
                        .createSocket(raw, null, raw.getPort(), true);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    this.protocols.add(ssl.getSession().getProtocol());
                    connection = ssl;
                }
                CURRENT.set(connection);
                CURRENT_RAW.set(raw);
                InputStream in = connection.getInputStream();
                OutputStream out = connection.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String requestLine = head.substring(0, head.indexOf("\r\n"));
                    this.requestLines.add(requestLine);
                    if (!script.answer(requestLine, out)) {
                        closing = true;
                        break;
                    }
                }
                // Over TLS, with close_notify (unless the script closed the TCP connection under it).
                connection.close();
            }
            catch (IOException ex) {
                // The client went away.
            }
            if (closing) {
                // Counted once the socket is closed, so that the client can see the end of the stream.
                this.closedByServer.incrementAndGet();
            }
        }

        /** The connection the calling script answers on: an {@code SSLSocket} over TLS. */
        static Socket currentSocket() {
            return CURRENT.get();
        }

        /** The TCP connection under {@link #currentSocket()}: closing it ends the stream without close_notify. */
        static Socket currentRawSocket() {
            return CURRENT_RAW.get();
        }

        /** The protocol each TLS connection negotiated, in the order they were accepted. */
        List<String> protocols() {
            return this.protocols;
        }

        String url(String scheme) {
            return scheme + "://127.0.0.1:" + this.socket.getLocalPort();
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String text = head.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r\n\r\n")) {
                    return text;
                }
            }
            return null;
        }

        String url() {
            return "http://127.0.0.1:" + this.socket.getLocalPort();
        }

        int connections() {
            return this.accepted.size();
        }

        int closedByServer() {
            return this.closedByServer.get();
        }

        List<String> requestLines() {
            return this.requestLines;
        }

        @Override
        public void close() throws IOException {
            this.socket.close();
            for (Socket connection : this.accepted) {
                connection.close();
            }
        }
    }
}
