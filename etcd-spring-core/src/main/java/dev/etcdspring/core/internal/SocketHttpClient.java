package dev.etcdspring.core.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.AbstractBufferingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A small HTTP/1.1 client for etcd endpoints that does all its I/O in the calling thread, over a pool of kept-alive
 * {@link SocketConnection}s ({@link TlsSocketConnection}s for {@code https}, whose handshake, encryption and
 * decryption the calling thread does too): the request goes out in one write, the answer is parsed from one
 * buffer. Every other backend hands each request to other threads or parses through layers meant for the whole
 * web; against a local etcd that hand-off and parsing cost more than etcd's own work.
 *
 * <p>Like the other backends it never resends a request and never follows a redirect. Before it reuses a pooled
 * connection it checks, without blocking, that the server has not closed it, so that the first write after an etcd
 * restart goes out on a fresh connection instead of failing with an unknown outcome. A request's timeout bounds the
 * whole exchange, from sending to the last byte of the answer.
 *
 * <p>It is a function from a timeout to a {@link ClientHttpRequestFactory}; closing it closes every connection,
 * idle or in use.
 */
public final class SocketHttpClient implements Function<Duration, ClientHttpRequestFactory>, RequestAborter,
        AutoCloseable {

    /** Idle connections kept per endpoint; more are closed when released. */
    private static final int MAX_IDLE_PER_ENDPOINT = 64;

    private final long connectTimeoutNanos;

    /** How TLS connections are made: {@code null} until the first {@code https} request when none was given. */
    private volatile TlsSettings tls;

    private final Map<String, Idle> idle = new ConcurrentHashMap<>();

    private final Set<SocketConnection> inUse = ConcurrentHashMap.newKeySet();

    private final Map<Thread, Tracked> tracked = new ConcurrentHashMap<>();

    private volatile boolean closed;

    /**
     * Creates a client.
     *
     * @param connectTimeout how long to wait for a new connection
     */
    public SocketHttpClient(Duration connectTimeout) {
        this(connectTimeout, null);
    }

    /**
     * Creates a client.
     *
     * @param connectTimeout how long to wait for a new connection (and its TLS handshake)
     * @param tls how to make TLS connections to {@code https} endpoints, or {@code null} for the JVM's default
     *        SSL context
     */
    public SocketHttpClient(Duration connectTimeout, TlsSettings tls) {
        this.connectTimeoutNanos = connectTimeout.toNanos();
        this.tls = tls;
    }

    @Override
    public ClientHttpRequestFactory apply(Duration timeout) {
        long timeoutNanos = timeout.toNanos();
        return (uri, method) -> new SocketRequest(uri, method, timeoutNanos);
    }

    @Override
    public void track(Thread thread) {
        this.tracked.put(thread, new Tracked());
    }

    @Override
    public void abort(Thread thread) {
        Tracked request = this.tracked.get(thread);
        if (request != null) {
            request.aborted = true;
            SocketConnection current = request.current;
            if (current != null) {
                current.abort();
            }
        }
    }

    @Override
    public void untrack(Thread thread) {
        this.tracked.remove(thread);
    }

    /** Closes every connection; requests in flight fail, later ones are refused. */
    @Override
    public void close() {
        this.closed = true;
        for (Idle connections : this.idle.values()) {
            for (SocketConnection connection; (connection = connections.poll()) != null;) {
                connection.close();
            }
        }
        for (SocketConnection connection : this.inUse) {
            connection.abort();
        }
    }

    private SocketConnection acquire(URI uri, long deadline) throws IOException {
        if (this.closed) {
            throw new IOException("The etcd HTTP client is closed");
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        if (!https && !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("The socket HTTP backend speaks http and https only, not " + uri.getScheme()
                    + " (" + uri.getHost() + ")");
        }
        int port = (uri.getPort() >= 0) ? uri.getPort() : (https ? 443 : 80);
        String endpoint = uri.getHost() + ":" + port;
        String poolKey = https ? "https://" + endpoint : endpoint;
        Tracked request = this.tracked.isEmpty() ? null : this.tracked.get(Thread.currentThread());
        if (request != null && request.aborted) {
            throw new AsynchronousCloseException();
        }
        SocketConnection connection = null;
        Idle connections = this.idle.get(poolKey);
        if (connections != null) {
            for (SocketConnection candidate; (candidate = connections.poll()) != null;) {
                if (candidate.isReusable()) {
                    connection = candidate;
                    break;
                }
                candidate.close();
            }
        }
        TlsSocketConnection handshaking = null;
        long connectDeadline = 0;
        if (connection == null) {
            long now = System.nanoTime();
            long connectNanos = Math.min(this.connectTimeoutNanos, Math.max(0, deadline - now));
            connectDeadline = now + connectNanos;
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), port);
            if (https) {
                String host = uri.getHost();
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                connection = handshaking = TlsSocketConnection.open(endpoint, address, connectNanos,
                        tls().createEngine(host, port));
            }
            else {
                connection = SocketConnection.open(endpoint, address, connectNanos);
            }
        }
        this.inUse.add(connection);
        if (request != null) {
            request.current = connection;
            if (request.aborted) {
                connection.abort();
            }
        }
        if (this.closed) {
            connection.abort();
        }
        if (handshaking != null) {
            // Once the connection can be aborted, so that closing a watch ends a handshake too.
            try {
                handshaking.handshake(connectDeadline);
            }
            catch (IOException | RuntimeException ex) {
                release(handshaking, false);
                throw ex;
            }
        }
        return connection;
    }

    private TlsSettings tls() {
        TlsSettings settings = this.tls;
        if (settings == null) {
            settings = new TlsSettings(null, null, null);
            this.tls = settings;
        }
        return settings;
    }

    private void release(SocketConnection connection, boolean reusable) {
        this.inUse.remove(connection);
        Tracked request = this.tracked.isEmpty() ? null : this.tracked.get(Thread.currentThread());
        if (request != null && request.current == connection) {
            request.current = null;
        }
        if (!reusable || this.closed) {
            connection.close();
            return;
        }
        Idle connections = this.idle.computeIfAbsent(connection.poolKey(), (key) -> new Idle());
        if (!connections.offer(connection)) {
            connection.close();
        }
        else if (this.closed) {
            connections.remove(connection);
            connection.close();
        }
    }

    /** A tracked thread's connection in use, and whether the thread was aborted. */
    private static final class Tracked {

        volatile SocketConnection current;

        volatile boolean aborted;
    }

    /** The idle connections of one endpoint, most recently used first. */
    private static final class Idle {

        private final ConcurrentLinkedDeque<SocketConnection> connections = new ConcurrentLinkedDeque<>();

        private final AtomicInteger size = new AtomicInteger();

        SocketConnection poll() {
            SocketConnection connection = this.connections.pollFirst();
            if (connection != null) {
                this.size.decrementAndGet();
            }
            return connection;
        }

        boolean offer(SocketConnection connection) {
            if (this.size.incrementAndGet() > MAX_IDLE_PER_ENDPOINT) {
                this.size.decrementAndGet();
                return false;
            }
            this.connections.offerFirst(connection);
            return true;
        }

        void remove(SocketConnection connection) {
            if (this.connections.remove(connection)) {
                this.size.decrementAndGet();
            }
        }
    }

    /** A request, its body buffered by Spring, sent in one write when executed. */
    private final class SocketRequest extends AbstractBufferingClientHttpRequest {

        private final URI uri;

        private final HttpMethod method;

        private final long timeoutNanos;

        SocketRequest(URI uri, HttpMethod method, long timeoutNanos) {
            this.uri = uri;
            this.method = method;
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public HttpMethod getMethod() {
            return this.method;
        }

        @Override
        public URI getURI() {
            return this.uri;
        }

        @Override
        protected ClientHttpResponse executeInternal(HttpHeaders headers, byte[] body) throws IOException {
            long now = System.nanoTime();
            long deadline = (this.timeoutNanos > Long.MAX_VALUE - now) ? Long.MAX_VALUE : now + this.timeoutNanos;
            SocketConnection connection = acquire(this.uri, deadline);
            try {
                ByteBuffer head = ByteBuffer.wrap(head(headers, body.length, connection.endpoint()));
                connection.write((body.length > 0) ? new ByteBuffer[] { head, ByteBuffer.wrap(body) }
                        : new ByteBuffer[] { head }, deadline);
                return SocketAnswer.read(connection, this.method == HttpMethod.HEAD, deadline,
                        (reusable) -> release(connection, reusable));
            }
            catch (IOException | RuntimeException ex) {
                release(connection, false);
                throw ex;
            }
        }

        private byte[] head(HttpHeaders headers, int contentLength, String host) {
            StringBuilder head = new StringBuilder(256);
            String path = this.uri.getRawPath();
            head.append(this.method.name()).append(' ').append((path == null || path.isEmpty()) ? "/" : path);
            if (this.uri.getRawQuery() != null) {
                head.append('?').append(this.uri.getRawQuery());
            }
            head.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
            for (Map.Entry<String, List<String>> header : headers.headerSet()) {
                String name = header.getKey();
                if (name.equalsIgnoreCase(HttpHeaders.HOST) || name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)
                        || name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING)
                        || name.equalsIgnoreCase(HttpHeaders.CONNECTION)) {
                    continue;
                }
                for (String value : header.getValue()) {
                    head.append(checked(name)).append(": ").append(checked(value)).append("\r\n");
                }
            }
            if (contentLength > 0 || this.method == HttpMethod.POST || this.method == HttpMethod.PUT
                    || this.method == HttpMethod.PATCH) {
                head.append("Content-Length: ").append(contentLength).append("\r\n");
            }
            head.append("\r\n");
            return head.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        /** A header name or value that cannot end the header early or be mangled by the encoding. */
        private static String checked(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\r' || c == '\n' || c > 0xFF) {
                    throw new IllegalArgumentException("An HTTP header may not contain line breaks or characters "
                            + "outside ISO-8859-1");
                }
            }
            return text;
        }
    }
}
