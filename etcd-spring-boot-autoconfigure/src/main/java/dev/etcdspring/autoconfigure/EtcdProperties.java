package dev.etcdspring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdHttpBackend;
import dev.etcdspring.core.ReadConsistency;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for etcd.
 */
@ConfigurationProperties("etcd")
public class EtcdProperties {

    /**
     * Base URLs of the etcd members to use, http or https. With several, a request that cannot connect goes to
     * the next.
     */
    private List<String> endpoints = new ArrayList<>(List.of("http://127.0.0.1:2379"));

    /**
     * etcd API to speak: v3 (every etcd since 3.4) or v2 (etcd 3.4 and 3.5 with --enable-v2=true).
     */
    private EtcdApi api = EtcdApi.V3;

    /**
     * How long each request waits for etcd's answer. Keep it above 7s so that etcd can report its own commit
     * timeout.
     */
    private Duration timeout = Duration.ofSeconds(10);

    /**
     * How long to wait for a connection to an endpoint before trying the next.
     */
    private Duration connectTimeout = Duration.ofSeconds(2);

    /**
     * How reads that do not choose for themselves see the cluster: 'linearizable' (through the leader, never
     * stale) or 'serializable' (answered by the member asked, faster, possibly stale on a follower).
     */
    private ReadConsistency readConsistency = ReadConsistency.LINEARIZABLE;

    /**
     * HTTP client to send requests with. By default 'socket', the library's own in-thread client, for http and
     * https endpoints alike; it notices connections the server closed and never resends a request. The others are
     * for applications that already use them.
     */
    private EtcdHttpBackend httpBackend;

    /**
     * Login user of the etcd cluster, when it has authentication enabled: HTTP basic authentication on v2, a
     * token on v3.
     */
    private String username;

    /**
     * Login password of the etcd cluster.
     */
    private String password;

    private final Ssl ssl = new Ssl();

    private final Swap swap = new Swap();

    private final Watch watch = new Watch();

    private final Health health = new Health();

    public List<String> getEndpoints() {
        return this.endpoints;
    }

    public void setEndpoints(List<String> endpoints) {
        this.endpoints = endpoints;
    }

    public EtcdApi getApi() {
        return this.api;
    }

    public void setApi(EtcdApi api) {
        this.api = api;
    }

    public Duration getTimeout() {
        return this.timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration getConnectTimeout() {
        return this.connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public ReadConsistency getReadConsistency() {
        return this.readConsistency;
    }

    public void setReadConsistency(ReadConsistency readConsistency) {
        this.readConsistency = readConsistency;
    }

    public EtcdHttpBackend getHttpBackend() {
        return this.httpBackend;
    }

    public void setHttpBackend(EtcdHttpBackend httpBackend) {
        this.httpBackend = httpBackend;
    }

    public String getUsername() {
        return this.username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return this.password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Ssl getSsl() {
        return this.ssl;
    }

    public Swap getSwap() {
        return this.swap;
    }

    public Watch getWatch() {
        return this.watch;
    }

    public Health getHealth() {
        return this.health;
    }

    /**
     * TLS towards https endpoints.
     */
    public static class Ssl {

        /**
         * Name of the SSL bundle (spring.ssl.bundle.*) with the certificates to trust and, for etcd's
         * --client-cert-auth, the client's own. Without one, https endpoints are checked against the JVM's default
         * trust store.
         */
        private String bundle;

        public String getBundle() {
            return this.bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /**
     * The {@code etcd} health contributor.
     */
    public static class Health {

        /**
         * Longest time the health check may take: it reports DOWN when etcd has not answered by then.
         */
        private Duration timeout = Duration.ofSeconds(2);

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /**
     * How {@code swap} retries its compare-and-set.
     */
    public static class Swap {

        /**
         * Most compare-and-sets a swap tries before it gives up.
         */
        private int maxAttempts = 100;

        /**
         * Longest time a swap keeps trying before it gives up.
         */
        private Duration timeout = Duration.ofSeconds(30);

        public int getMaxAttempts() {
            return this.maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /**
     * How watches retry after failures.
     */
    public static class Watch {

        /**
         * First backoff interval of a watch after a failure.
         */
        private Duration initialBackoff = Duration.ofMillis(100);

        /**
         * Longest backoff interval of a watch.
         */
        private Duration maxBackoff = Duration.ofSeconds(10);

        public Duration getInitialBackoff() {
            return this.initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return this.maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }
}
