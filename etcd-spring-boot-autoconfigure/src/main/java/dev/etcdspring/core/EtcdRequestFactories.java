package dev.etcdspring.core;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Function;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;

/**
 * The HTTP backends an {@link EtcdTemplate} can send its requests through, each as a function from a timeout to
 * a {@link ClientHttpRequestFactory} whose answers wait at most that long (see
 * {@link EtcdTemplate.Builder#requestFactory(Function)}). None follows redirects: etcd redirects only to a
 * cleaned path, which may not be the key that was asked for.
 *
 * <p>The README lists what each costs per request, measured against a local etcd.
 */
public final class EtcdRequestFactories {

    private EtcdRequestFactories() {
    }

    /**
     * The JDK's {@link HttpClient}, one client (and connection pool) shared by every timeout: no dependency beyond
     * the JDK, but about three times the cost per request of the default on a local etcd (see the README).
     *
     * @param connectTimeout how long to wait for a connection
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> jdk(Duration connectTimeout) {
        HttpClient client = HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
        return (timeout) -> {
            JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
            factory.setReadTimeout(timeout);
            return factory;
        };
    }

    /**
     * The JDK's {@link HttpURLConnection}, with the JVM's shared keep-alive cache. It never follows redirects here;
     * note that {@code HttpURLConnection} itself may resend a request once when a kept-alive connection turns out to
     * be closed.
     *
     * @param connectTimeout how long to wait for a connection
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> urlConnection(Duration connectTimeout) {
        return (timeout) -> {
            SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory() {
                @Override
                protected void prepareConnection(HttpURLConnection connection, String httpMethod) throws IOException {
                    super.prepareConnection(connection, httpMethod);
                    connection.setInstanceFollowRedirects(false);
                }
            };
            factory.setConnectTimeout(connectTimeout);
            factory.setReadTimeout(timeout);
            return factory;
        };
    }

    /**
     * Apache HttpClient 5, the default: one pooled client shared by every timeout, with its automatic retries and
     * redirects turned off so that a write is never sent twice. The fastest backend measured (see the README).
     * The function returned is also {@link AutoCloseable}: closing it closes the pool.
     *
     * @param connectTimeout how long to wait for a connection
     * @return the request factories
     */
    public static Function<Duration, ClientHttpRequestFactory> httpComponents(Duration connectTimeout) {
        return HttpComponents.factories(connectTimeout);
    }

    /**
     * Apart, so that a caller who excludes Apache HttpClient can still use the other backends. The factories own
     * the pooled client: closing them closes its connections ({@link EtcdTemplate#close()} does).
     */
    private static final class HttpComponents implements Function<Duration, ClientHttpRequestFactory>, AutoCloseable {

        private final org.apache.hc.client5.http.impl.classic.CloseableHttpClient client;

        private HttpComponents(org.apache.hc.client5.http.impl.classic.CloseableHttpClient client) {
            this.client = client;
        }

        @Override
        public ClientHttpRequestFactory apply(Duration timeout) {
            org.springframework.http.client.HttpComponentsClientHttpRequestFactory factory =
                    new org.springframework.http.client.HttpComponentsClientHttpRequestFactory(this.client);
            factory.setReadTimeout(timeout);
            return factory;
        }

        @Override
        public void close() throws java.io.IOException {
            this.client.close();
        }

        static Function<Duration, ClientHttpRequestFactory> factories(Duration connectTimeout) {
            org.apache.hc.client5.http.impl.classic.CloseableHttpClient client = org.apache.hc.client5.http.impl.classic.HttpClients
                .custom()
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .setConnectionManager(org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder
                    .create()
                    .setMaxConnPerRoute(256)
                    .setMaxConnTotal(1024)
                    .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                        .setConnectTimeout(connectTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        // A pooled connection idle for a second is checked before reuse, so that one closed by
                        // a restarted server is not mistaken for a failed (and possibly applied) write.
                        .setValidateAfterInactivity(1, java.util.concurrent.TimeUnit.SECONDS)
                        .build())
                    .build())
                .build();
            return new HttpComponents(client);
        }
    }
}
