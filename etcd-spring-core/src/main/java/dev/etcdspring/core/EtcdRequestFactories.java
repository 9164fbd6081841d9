package dev.etcdspring.core;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

import dev.etcdspring.core.internal.RequestAborter;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.JettyClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;

/**
 * The HTTP backends an {@link EtcdTemplate} can send its requests through, each as a function from a timeout to
 * a {@link ClientHttpRequestFactory} whose answers wait at most that long (see
 * {@link EtcdTemplate.Builder#requestFactory(Function)}). None follows redirects: etcd redirects only to a
 * cleaned path, which may not be the key that was asked for.
 *
 * <p>A backend that owns a connection pool returns a function that is also {@link AutoCloseable}; closing it
 * closes the pool. Each takes an optional {@link SSLContext} for {@code https} endpoints (the JVM's default trust
 * without one; its key managers give the client certificate), and optionally the TLS protocols and cipher suites
 * to enable ({@code null} for the context's defaults); hostnames are always verified. The README lists what each
 * costs per request, measured against a local etcd: {@link #socket(Duration)} is the default for {@code http} and
 * {@code https} endpoints alike.
 */
public final class EtcdRequestFactories {

    private EtcdRequestFactories() {
    }

    /**
     * The library's own HTTP/1.1 client for plain {@code http} endpoints: a pool of kept-alive non-blocking socket
     * channels, each with a selector of its own, so that the calling thread writes the request and reads the answer
     * itself, with no hand-off to another thread. Before it reuses an idle connection it checks without blocking
     * that etcd has not closed it, so the first write after an etcd restart goes out on a fresh connection instead
     * of failing with an unknown outcome; it never resends a request by itself. A request's timeout bounds the
     * whole exchange.
     *
     * @param connectTimeout how long to wait for a connection
     * @return the request factories, {@link AutoCloseable}
     */
    public static Function<Duration, ClientHttpRequestFactory> socket(Duration connectTimeout) {
        return new dev.etcdspring.core.internal.SocketHttpClient(connectTimeout);
    }

    /**
     * The library's own HTTP/1.1 client with an SSL context for {@code https} endpoints; see
     * {@link #socket(Duration)}. Over TLS it keeps the same properties: the calling thread does the handshake, the
     * encryption and the decryption over the same non-blocking channels, every wait is bounded by the request's
     * deadline (the handshake by the connect timeout too), and an idle connection the server closed (or sent
     * {@code close_notify} on) is noticed before reuse.
     *
     * @param connectTimeout how long to wait for a connection and its TLS handshake
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @return the request factories, {@link AutoCloseable}
     */
    public static Function<Duration, ClientHttpRequestFactory> socket(Duration connectTimeout, SSLContext sslContext) {
        return socket(connectTimeout, sslContext, null, null);
    }

    /**
     * The library's own HTTP/1.1 client with an SSL context and the TLS protocols and cipher suites to enable; see
     * {@link #socket(Duration, SSLContext)}.
     *
     * @param connectTimeout how long to wait for a connection and its TLS handshake
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @param protocols the protocols to enable, such as {@code TLSv1.3}, or {@code null} for the context's defaults
     * @param ciphers the cipher suites to enable, or {@code null} for the context's defaults
     * @return the request factories, {@link AutoCloseable}
     * @throws IllegalArgumentException when a protocol or cipher suite is not supported
     */
    public static Function<Duration, ClientHttpRequestFactory> socket(Duration connectTimeout, SSLContext sslContext,
            java.util.List<String> protocols, java.util.List<String> ciphers) {
        dev.etcdspring.core.internal.TlsSettings tls = (sslContext == null && protocols == null && ciphers == null)
                ? null : new dev.etcdspring.core.internal.TlsSettings(sslContext, protocols, ciphers);
        return new dev.etcdspring.core.internal.SocketHttpClient(connectTimeout, tls);
    }

    /**
     * Jetty's {@code HttpClient}: one client (a non-blocking connection pool and daemon threads)
     * shared by every timeout. It notices at once when a server closes an idle connection, so the first write
     * after an etcd restart goes out on a fresh connection instead of failing with an unknown outcome, and it never
     * resends a request by itself.
     *
     * @param connectTimeout how long to wait for a connection
     * @return the request factories, {@link AutoCloseable}
     */
    public static Function<Duration, ClientHttpRequestFactory> jetty(Duration connectTimeout) {
        return jetty(connectTimeout, null);
    }

    /**
     * Jetty's {@code HttpClient} with an SSL context for {@code https} endpoints; see {@link #jetty(Duration)}.
     *
     * @param connectTimeout how long to wait for a connection
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @return the request factories, {@link AutoCloseable}
     * @throws IllegalStateException when {@code org.eclipse.jetty:jetty-client} is not on the class path
     */
    public static Function<Duration, ClientHttpRequestFactory> jetty(Duration connectTimeout, SSLContext sslContext) {
        return jetty(connectTimeout, sslContext, null, null);
    }

    /**
     * Jetty's {@code HttpClient} with an SSL context and the TLS protocols and cipher suites to enable (exactly
     * those: Jetty's own exclusions are lifted for what is chosen); see {@link #jetty(Duration)}.
     *
     * @param connectTimeout how long to wait for a connection
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @param protocols the protocols to enable, or {@code null} for the defaults
     * @param ciphers the cipher suites to enable, or {@code null} for the defaults
     * @return the request factories, {@link AutoCloseable}
     * @throws IllegalStateException when {@code org.eclipse.jetty:jetty-client} is not on the class path
     */
    public static Function<Duration, ClientHttpRequestFactory> jetty(Duration connectTimeout, SSLContext sslContext,
            java.util.List<String> protocols, java.util.List<String> ciphers) {
        HttpBackends.requireLibraryOf(EtcdHttpBackend.JETTY);
        return Jetty.factories(connectTimeout, sslContext, protocols, ciphers);
    }

    /**
     * The latest request of each tracked thread, seen when it is queued, which happens on the thread that sends it:
     * closing the body of a long poll that has not answered yet does not end it in Jetty, aborting it does. A request
     * a thread queues after it was aborted is aborted at once.
     */
    private static final class JettyRequests implements org.eclipse.jetty.client.Request.Listener, RequestAborter {

        private record Tracked(org.eclipse.jetty.client.Request latest, boolean aborted) {
        }

        private final java.util.Map<Thread, Tracked> threads = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onQueued(org.eclipse.jetty.client.Request request) {
            Tracked tracked = this.threads.computeIfPresent(Thread.currentThread(),
                    (thread, previous) -> new Tracked(request, previous.aborted()));
            if (tracked != null && tracked.aborted()) {
                request.abort(new java.nio.channels.AsynchronousCloseException());
            }
        }

        @Override
        public void track(Thread thread) {
            this.threads.put(thread, new Tracked(null, false));
        }

        @Override
        public void abort(Thread thread) {
            Tracked previous = this.threads.computeIfPresent(thread, (t, tracked) -> new Tracked(tracked.latest(), true));
            if (previous != null && previous.latest() != null) {
                previous.latest().abort(new java.nio.channels.AsynchronousCloseException());
            }
        }

        @Override
        public void untrack(Thread thread) {
            this.threads.remove(thread);
        }
    }

    /** Jetty's factories: they own the client, and abort a tracked thread's request on demand. */
    private static final class JettyFactories extends Pooled implements RequestAborter {

        private final RequestAborter requests;

        JettyFactories(Function<Duration, ClientHttpRequestFactory> factories, AutoCloseable client,
                RequestAborter requests) {
            super(factories, client);
            this.requests = requests;
        }

        @Override
        public void track(Thread thread) {
            this.requests.track(thread);
        }

        @Override
        public void abort(Thread thread) {
            this.requests.abort(thread);
        }

        @Override
        public void untrack(Thread thread) {
            this.requests.untrack(thread);
        }
    }

    /**
     * Apache HttpClient 5 (needs {@code org.apache.httpcomponents.client5:httpclient5}, an optional dependency):
     * one pooled client shared by every timeout, with its automatic retries and redirects turned off so that a
     * request is sent once. The fastest backend measured, but a blocking pool learns that a server closed an idle
     * connection only by checking it (1 ms) before reuse, which it does after 1 s idle: a write sent within that
     * second after an etcd restart may fail with {@link EtcdException#isOutcomeUnknown()}.
     *
     * @param connectTimeout how long to wait for a connection
     * @return the request factories, {@link AutoCloseable}
     */
    public static Function<Duration, ClientHttpRequestFactory> httpComponents(Duration connectTimeout) {
        return httpComponents(connectTimeout, null);
    }

    /**
     * Apache HttpClient 5 with an SSL context for {@code https} endpoints; see {@link #httpComponents(Duration)}.
     *
     * @param connectTimeout how long to wait for a connection
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @return the request factories, {@link AutoCloseable}
     * @throws IllegalStateException when {@code org.apache.httpcomponents.client5:httpclient5} is not on the class
     *         path
     */
    public static Function<Duration, ClientHttpRequestFactory> httpComponents(Duration connectTimeout,
            SSLContext sslContext) {
        return httpComponents(connectTimeout, sslContext, null, null);
    }

    /**
     * Apache HttpClient 5 with an SSL context and the TLS protocols and cipher suites to enable; see
     * {@link #httpComponents(Duration)}.
     *
     * @param connectTimeout how long to wait for a connection
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @param protocols the protocols to enable, or {@code null} for the defaults
     * @param ciphers the cipher suites to enable, or {@code null} for the defaults
     * @return the request factories, {@link AutoCloseable}
     * @throws IllegalStateException when {@code org.apache.httpcomponents.client5:httpclient5} is not on the class
     *         path
     */
    public static Function<Duration, ClientHttpRequestFactory> httpComponents(Duration connectTimeout,
            SSLContext sslContext, java.util.List<String> protocols, java.util.List<String> ciphers) {
        HttpBackends.requireLibraryOf(EtcdHttpBackend.HTTP_COMPONENTS);
        return HttpComponents.factories(connectTimeout, sslContext, protocols, ciphers);
    }

    /**
     * The JDK's {@link HttpClient}, one client (and connection pool) shared by every timeout: no dependency beyond
     * the JDK, and it notices idle connections closed by the server, but it costs about twice the default per
     * request on a local etcd.
     *
     * @param connectTimeout how long to wait for a connection
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> jdk(Duration connectTimeout) {
        return jdk(connectTimeout, null);
    }

    /**
     * The JDK's {@link HttpClient} with an SSL context for {@code https} endpoints; see {@link #jdk(Duration)}.
     *
     * @param connectTimeout how long to wait for a connection
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> jdk(Duration connectTimeout, SSLContext sslContext) {
        return jdk(connectTimeout, sslContext, null, null);
    }

    /**
     * The JDK's {@link HttpClient} with an SSL context and the TLS protocols and cipher suites to enable; see
     * {@link #jdk(Duration)}.
     *
     * @param connectTimeout how long to wait for a connection
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @param protocols the protocols to enable, or {@code null} for the defaults
     * @param ciphers the cipher suites to enable, or {@code null} for the defaults
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> jdk(Duration connectTimeout, SSLContext sslContext,
            java.util.List<String> protocols, java.util.List<String> ciphers) {
        HttpClient.Builder builder = HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        if (protocols != null || ciphers != null) {
            // The client verifies host names on these parameters as on its own.
            builder.sslParameters(new javax.net.ssl.SSLParameters(array(ciphers), array(protocols)));
        }
        HttpClient client = builder.build();
        return (timeout) -> {
            JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
            factory.setReadTimeout(timeout);
            return factory;
        };
    }

    /**
     * The JDK's {@link HttpURLConnection}, with the JVM's shared keep-alive cache. Fast, but
     * {@code HttpURLConnection} may resend a request without a body (a GET, a DELETE) by itself when a kept-alive
     * connection turns out closed, and a write on such a connection fails with an unknown outcome.
     *
     * @param connectTimeout how long to wait for a connection
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> urlConnection(Duration connectTimeout) {
        return urlConnection(connectTimeout, null);
    }

    /**
     * The JDK's {@link HttpURLConnection} with an SSL context for {@code https} endpoints; see
     * {@link #urlConnection(Duration)}.
     *
     * @param connectTimeout how long to wait for a connection
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> urlConnection(Duration connectTimeout,
            SSLContext sslContext) {
        return urlConnection(connectTimeout, sslContext, null, null);
    }

    /**
     * The JDK's {@link HttpURLConnection} with an SSL context and the TLS protocols and cipher suites to enable;
     * see {@link #urlConnection(Duration)}.
     *
     * @param connectTimeout how long to wait for a connection
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @param protocols the protocols to enable, or {@code null} for the defaults
     * @param ciphers the cipher suites to enable, or {@code null} for the defaults
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> urlConnection(Duration connectTimeout,
            SSLContext sslContext, java.util.List<String> protocols, java.util.List<String> ciphers) {
        javax.net.ssl.SSLSocketFactory sockets = (protocols == null && ciphers == null)
                ? ((sslContext != null) ? sslContext.getSocketFactory() : null)
                : new ConfiguringSocketFactory((sslContext != null) ? sslContext.getSocketFactory()
                        : HttpsURLConnection.getDefaultSSLSocketFactory(), array(protocols), array(ciphers));
        return (timeout) -> {
            SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory() {
                @Override
                protected void prepareConnection(HttpURLConnection connection, String httpMethod) throws IOException {
                    super.prepareConnection(connection, httpMethod);
                    connection.setInstanceFollowRedirects(false);
                    if (sockets != null && connection instanceof HttpsURLConnection https) {
                        https.setSSLSocketFactory(sockets);
                    }
                }
            };
            factory.setConnectTimeout(connectTimeout);
            factory.setReadTimeout(timeout);
            return factory;
        };
    }

    private static String[] array(java.util.List<String> names) {
        return (names != null) ? names.toArray(String[]::new) : null;
    }

    /** An SSL socket factory that enables the chosen protocols and cipher suites on every socket it makes. */
    private static final class ConfiguringSocketFactory extends javax.net.ssl.SSLSocketFactory {

        private final javax.net.ssl.SSLSocketFactory delegate;

        private final String[] protocols;

        private final String[] ciphers;

        ConfiguringSocketFactory(javax.net.ssl.SSLSocketFactory delegate, String[] protocols, String[] ciphers) {
            this.delegate = delegate;
            this.protocols = protocols;
            this.ciphers = ciphers;
        }

        private java.net.Socket configured(java.net.Socket socket) {
            if (socket instanceof javax.net.ssl.SSLSocket ssl) {
                if (this.protocols != null) {
                    ssl.setEnabledProtocols(this.protocols);
                }
                if (this.ciphers != null) {
                    ssl.setEnabledCipherSuites(this.ciphers);
                }
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return (this.ciphers != null) ? this.ciphers.clone() : this.delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return this.delegate.getSupportedCipherSuites();
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            return configured(this.delegate.createSocket());
        }

        @Override
        public java.net.Socket createSocket(java.net.Socket socket, String host, int port, boolean autoClose)
                throws IOException {
            return configured(this.delegate.createSocket(socket, host, port, autoClose));
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return configured(this.delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
                throws IOException {
            return configured(this.delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return configured(this.delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress,
                int localPort) throws IOException {
            return configured(this.delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    /** Factories over a client that holds connections and threads: closing them releases both. */
    private static class Pooled implements Function<Duration, ClientHttpRequestFactory>, AutoCloseable {

        private final Function<Duration, ClientHttpRequestFactory> factories;

        private final AutoCloseable client;

        Pooled(Function<Duration, ClientHttpRequestFactory> factories, AutoCloseable client) {
            this.factories = factories;
            this.client = client;
        }

        @Override
        public ClientHttpRequestFactory apply(Duration timeout) {
            return this.factories.apply(timeout);
        }

        @Override
        public void close() throws Exception {
            this.client.close();
        }
    }

    /** Apart, so that Jetty's classes are loaded only by those who choose it. */
    private static final class Jetty {

        static Function<Duration, ClientHttpRequestFactory> factories(Duration connectTimeout, SSLContext sslContext,
                java.util.List<String> protocols, java.util.List<String> ciphers) {
            org.eclipse.jetty.util.thread.QueuedThreadPool threads = new org.eclipse.jetty.util.thread.QueuedThreadPool();
            threads.setName("etcd-http");
            threads.setDaemon(true);
            org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
            client.setExecutor(threads);
            client.setFollowRedirects(false);
            client.setConnectTimeout(connectTimeout.toMillis());
            client.setMaxConnectionsPerDestination(256);
            if (sslContext != null || protocols != null || ciphers != null) {
                org.eclipse.jetty.util.ssl.SslContextFactory.Client ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Client();
                if (sslContext != null) {
                    ssl.setSslContext(sslContext);
                }
                if (protocols != null) {
                    ssl.setExcludeProtocols();
                    ssl.setIncludeProtocols(array(protocols));
                }
                if (ciphers != null) {
                    ssl.setExcludeCipherSuites();
                    ssl.setIncludeCipherSuites(array(ciphers));
                }
                client.setSslContextFactory(ssl);
            }
            try {
                client.start();
            }
            catch (Exception ex) {
                throw new IllegalStateException("Could not start Jetty's HTTP client for etcd", ex);
            }
            // No built-in handling of 401 (Jetty fails an etcd 401, which has no WWW-Authenticate challenge),
            // redirects or 100-continue: every answer goes back to the template as it came. Starting adds them.
            client.getProtocolHandlers().clear();
            JettyRequests requests = new JettyRequests();
            client.getRequestListeners().addListener(requests);
            return new JettyFactories((timeout) -> {
                JettyClientHttpRequestFactory factory = new JettyClientHttpRequestFactory(client);
                factory.setReadTimeout(timeout);
                return factory;
            }, client::stop, requests);
        }
    }

    /** Apart, so that Apache HttpClient is loaded only by those who choose it. */
    private static final class HttpComponents {

        static Function<Duration, ClientHttpRequestFactory> factories(Duration connectTimeout, SSLContext sslContext,
                java.util.List<String> protocols, java.util.List<String> ciphers) {
            org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder connections = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder
                .create()
                .setMaxConnPerRoute(256)
                .setMaxConnTotal(1024)
                .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                    .setConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .setValidateAfterInactivity(1, TimeUnit.SECONDS)
                    .build());
            if (protocols != null || ciphers != null) {
                connections.setTlsSocketStrategy(new org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy(
                        (sslContext != null) ? sslContext : org.apache.hc.core5.ssl.SSLContexts.createSystemDefault(),
                        array(protocols), array(ciphers), org.apache.hc.core5.reactor.ssl.SSLBufferMode.STATIC,
                        org.apache.hc.client5.http.ssl.HostnameVerificationPolicy.BOTH,
                        org.apache.hc.client5.http.ssl.HttpsSupport.getDefaultHostnameVerifier()));
            }
            else if (sslContext != null) {
                connections.setTlsSocketStrategy(new org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy(sslContext));
            }
            org.apache.hc.client5.http.impl.classic.CloseableHttpClient client = org.apache.hc.client5.http.impl.classic.HttpClients
                .custom()
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .setConnectionManager(connections.build())
                .build();
            return new Pooled((timeout) -> {
                org.springframework.http.client.HttpComponentsClientHttpRequestFactory factory =
                        new org.springframework.http.client.HttpComponentsClientHttpRequestFactory(client);
                factory.setReadTimeout(timeout);
                return factory;
            }, client);
        }
    }
}
