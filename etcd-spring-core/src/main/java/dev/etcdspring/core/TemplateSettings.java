package dev.etcdspring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import dev.etcdspring.core.internal.EtcdCredentials;
import dev.etcdspring.core.observation.DefaultEtcdObservationConvention;
import dev.etcdspring.core.observation.EtcdObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The settings an {@link EtcdTemplate.Builder} collects, each checked as it is set, with their defaults: the
 * builder's methods live here, so that the template's own file holds the template.
 */
abstract class TemplateSettings implements Cloneable {


    List<String> endpoints = List.of("http://127.0.0.1:2379");

    EtcdApi api = EtcdApi.V3;

    EtcdCredentials credentials;

    Duration timeout = Duration.ofSeconds(10);

    Duration connectTimeout = Duration.ofSeconds(2);

    RestClient.Builder restClientBuilder;

    /** Makes the builder to derive from when the template makes its clients, instead of {@code restClientBuilder}. */
    Supplier<RestClient.Builder> restClientBuilderSupplier;

    Function<Duration, ClientHttpRequestFactory> requestFactories;

    int swapMaxAttempts = 100;

    Duration swapTimeout = Duration.ofSeconds(30);

    Duration swapInitialBackoff = Duration.ofMillis(5);

    Duration swapMaxBackoff = Duration.ofMillis(500);

    Duration watchInitialBackoff = Duration.ofMillis(100);

    Duration watchMaxBackoff = Duration.ofSeconds(10);

    Duration watchPollTimeout = Duration.ofMinutes(5);

    ReadConsistency readConsistency = ReadConsistency.LINEARIZABLE;

    /** {@code null} until chosen: then the socket backend, for http and https endpoints alike. */
    EtcdHttpBackend httpBackend;

    SSLContext sslContext;

    /** {@code null} for the SSL context's defaults. */
    List<String> sslEnabledProtocols;

    /** {@code null} for the SSL context's defaults. */
    List<String> sslCiphers;

    final List<EtcdClientListener> listeners = new ArrayList<>();

    /** {@code null} for none: nothing is recorded. No lambda by default: each costs a fresh JVM's start-up. */
    Supplier<ObservationRegistry> observationRegistry;

    /** {@code null} for the default convention. */
    Supplier<EtcdObservationConvention> observationConvention;

    /** {@code null} for an executor of the template's own. */
    Executor executor;

    /** {@code null} for daemon threads. */
    ThreadFactory threadFactory;

    TemplateSettings() {
    }

    /** This builder, as its own type. */
    abstract EtcdTemplate.Builder self();

    /**
     * The settings as they are now, for a template to make its parts from later: what the builder is told after
     * {@code build()} does not reach the template. A {@code RestClient.Builder} given is copied too; the rest are
     * values, or objects the application keeps (its executor, its factories).
     */
    TemplateSettings snapshot() {
        try {
            TemplateSettings copy = (TemplateSettings) super.clone();
            if (copy.restClientBuilder != null) {
                copy.restClientBuilder = copy.restClientBuilder.clone();
            }
            return copy;
        }
        catch (CloneNotSupportedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The base URLs of the etcd members to talk to, such as {@code http://127.0.0.1:2379}. With several, a
     * request that cannot connect goes to the next, and the template keeps using the one that answered.
     *
     * @param endpoints one or more {@code http} or {@code https} URLs, without query or fragment
     * @return this builder
     * @throws IllegalArgumentException if there is none, or one is not such a URL
     */
    public EtcdTemplate.Builder endpoints(String... endpoints) {
        OptionChecks.notNull(endpoints, "endpoints");
        return endpoints(Arrays.asList(endpoints));
    }

    /**
     * The base URLs of the etcd members to talk to; see {@link #endpoints(String...)}.
     *
     * @param endpoints one or more {@code http} or {@code https} URLs
     * @return this builder
     * @throws IllegalArgumentException if there is none, or one is not such a URL
     */
    public EtcdTemplate.Builder endpoints(List<String> endpoints) {
        this.endpoints = HttpBackends.checkEndpoints(endpoints);
        return self();
    }

    /**
     * The API to speak: {@link EtcdApi#V3}, the default, which every etcd since 3.4 serves; or
     * {@link EtcdApi#V2} for etcd up to 3.5 started with {@code --enable-v2=true}. The two keep separate data.
     *
     * @param api the API; must not be {@code null}
     * @return this builder
     */
    public EtcdTemplate.Builder api(EtcdApi api) {
        this.api = OptionChecks.notNull(api, "api");
        return self();
    }

    /**
     * A user name and password, for a cluster with authentication enabled: sent as HTTP basic authentication on
     * v2, exchanged for a token on v3 (renewed when the server rejects it). They never appear in messages,
     * logs or {@code toString()}.
     *
     * @param username the user name; must not be {@code null} or empty
     * @param password the password; must not be {@code null}
     * @return this builder
     */
    public EtcdTemplate.Builder credentials(String username, String password) {
        if (username == null || username.isEmpty()) {
            throw new IllegalArgumentException("username must not be null or empty");
        }
        OptionChecks.notNull(password, "password");
        this.credentials = new EtcdCredentials(username, password);
        return self();
    }

    /**
     * How long each request waits for the server's answer unless its options say otherwise. Keep it above 7
     * seconds to let etcd report its own timeouts (it answers a write it cannot commit after about 7 s).
     *
     * @param timeout a positive duration; the default is 10 seconds
     * @return this builder
     */
    public EtcdTemplate.Builder timeout(Duration timeout) {
        this.timeout = OptionChecks.positive(timeout, "timeout");
        return self();
    }

    /**
     * How long to wait for a connection to an endpoint before trying the next, for the default request
     * factories.
     *
     * @param connectTimeout a positive duration; the default is 2 seconds
     * @return this builder
     */
    public EtcdTemplate.Builder connectTimeout(Duration connectTimeout) {
        this.connectTimeout = OptionChecks.positive(connectTimeout, "connectTimeout");
        return self();
    }

    /**
     * A {@link RestClient.Builder} to derive the template's clients from, so that its interceptors, default
     * headers and observation settings apply. It is cloned, never changed; its request factory is replaced
     * by the {@link #requestFactory(Function) request factories}.
     *
     * @param restClientBuilder the builder; must not be {@code null}
     * @return this builder
     */
    public EtcdTemplate.Builder restClientBuilder(RestClient.Builder restClientBuilder) {
        this.restClientBuilder = OptionChecks.notNull(restClientBuilder, "restClientBuilder");
        this.restClientBuilderSupplier = null;
        return self();
    }

    /**
     * As {@link #restClientBuilder(RestClient.Builder)}, with the {@link RestClient.Builder} made only when the
     * template makes its clients, on its first operation: what an application's customizers do to it then costs
     * nothing while the application starts.
     *
     * @param restClientBuilder makes the builder, once; must not be {@code null}, nor return {@code null}
     * @return this builder
     */
    public EtcdTemplate.Builder restClientBuilder(Supplier<RestClient.Builder> restClientBuilder) {
        this.restClientBuilderSupplier = OptionChecks.notNull(restClientBuilder, "restClientBuilder");
        this.restClientBuilder = null;
        return self();
    }

    /**
     * The HTTP backend: a function that makes a {@link ClientHttpRequestFactory} whose answers wait at most the
     * given timeout. It is called once per distinct timeout in use. The default is the
     * {@link #httpBackend(EtcdHttpBackend) HTTP backend}'s, with the {@link #connectTimeout(Duration) connect
     * timeout}, closed with the template;
     * the factories must not follow redirects.
     *
     * @param requestFactories makes a request factory for a timeout; must not be {@code null}
     * @return this builder
     */
    public EtcdTemplate.Builder requestFactory(Function<Duration, ClientHttpRequestFactory> requestFactories) {
        this.requestFactories = OptionChecks.notNull(requestFactories, "requestFactories");
        return self();
    }

    /**
     * How many compare-and-sets {@link EtcdOperations#swap} tries before it gives up.
     *
     * @param maxAttempts at least 1; the default is 100
     * @return this builder
     */
    public EtcdTemplate.Builder swapMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("swapMaxAttempts must be at least 1, got " + maxAttempts);
        }
        this.swapMaxAttempts = maxAttempts;
        return self();
    }

    /**
     * How long {@link EtcdOperations#swap} keeps trying before it gives up.
     *
     * @param timeout a positive duration; the default is 30 seconds
     * @return this builder
     */
    public EtcdTemplate.Builder swapTimeout(Duration timeout) {
        this.swapTimeout = OptionChecks.positive(timeout, "swapTimeout");
        return self();
    }

    /**
     * The pauses between the attempts of {@link EtcdOperations#swap}: the first is {@code initial} give or take
     * up to {@code initial} of jitter, each next one twice as long (jitter included), never more than
     * {@code max}.
     *
     * @param initial the first pause; the default is 5 ms
     * @param max the longest pause; the default is 500 ms
     * @return this builder
     */
    public EtcdTemplate.Builder swapBackoff(Duration initial, Duration max) {
        OptionChecks.backoff(initial, max, "swap");
        this.swapInitialBackoff = initial;
        this.swapMaxBackoff = max;
        return self();
    }

    /**
     * The pauses of a watch between attempts after failures: each is between half and all of an interval that
     * starts at {@code initial}, doubles after each failure and stops growing at {@code max}; back to
     * {@code initial} after a success.
     *
     * @param initial the first interval; the default is 100 ms
     * @param max the longest interval; the default is 10 s
     * @return this builder
     */
    public EtcdTemplate.Builder watchBackoff(Duration initial, Duration max) {
        OptionChecks.backoff(initial, max, "watch");
        this.watchInitialBackoff = initial;
        this.watchMaxBackoff = max;
        return self();
    }

    /**
     * How long one watch request (a v2 long poll, a v3 stream) lasts before the watch asks again from where it
     * is; watches ignore the request {@link #timeout(Duration) timeout}. A shorter one notices a connection that
     * died without a word sooner.
     *
     * @param pollTimeout a positive duration; the default is 5 minutes
     * @return this builder
     */
    public EtcdTemplate.Builder watchPollTimeout(Duration pollTimeout) {
        this.watchPollTimeout = OptionChecks.positive(pollTimeout, "watchPollTimeout");
        return self();
    }

    /**
     * How reads that do not choose for themselves ({@link ReadOptions#quorum(boolean)}) see the cluster.
     * Internal reads ({@code swap}'s, a watch's, the health check's) stay linearizable.
     *
     * @param readConsistency the consistency; the default is {@link ReadConsistency#LINEARIZABLE}
     * @return this builder
     */
    public EtcdTemplate.Builder readConsistency(ReadConsistency readConsistency) {
        this.readConsistency = OptionChecks.notNull(readConsistency, "readConsistency");
        return self();
    }

    /**
     * The HTTP client the template makes for itself, with the {@link #connectTimeout(Duration) connect
     * timeout} and {@link #sslContext(SSLContext) SSL context}, and closes with itself. Ignored when
     * {@link #requestFactory(Function)} is set.
     *
     * @param httpBackend the backend; by default {@link EtcdHttpBackend#SOCKET}, for {@code http} and
     *        {@code https} endpoints alike
     * @return this builder
     */
    public EtcdTemplate.Builder httpBackend(EtcdHttpBackend httpBackend) {
        this.httpBackend = OptionChecks.notNull(httpBackend, "httpBackend");
        return self();
    }

    /**
     * The SSL context for {@code https} endpoints: the certificates to trust, and the client's own for etcd's
     * {@code --client-cert-auth}. Without one, the JVM's default trust applies. Hostnames are verified either
     * way. Ignored when {@link #requestFactory(Function)} is set: those factories bring their own.
     *
     * @param sslContext the SSL context; must not be {@code null}
     * @return this builder
     */
    public EtcdTemplate.Builder sslContext(SSLContext sslContext) {
        this.sslContext = OptionChecks.notNull(sslContext, "sslContext");
        return self();
    }

    /**
     * The TLS protocols to enable for {@code https} endpoints, such as {@code TLSv1.3}; by default those the
     * {@link #sslContext(SSLContext) SSL context} enables. Applied by every backend the template makes (see
     * {@link EtcdRequestFactories}); ignored when {@link #requestFactory(Function)} is set.
     *
     * @param protocols one or more protocol names; must not be {@code null}
     * @return this builder
     * @throws IllegalArgumentException if there is none, or one is {@code null} or blank
     */
    public EtcdTemplate.Builder sslEnabledProtocols(String... protocols) {
        this.sslEnabledProtocols = names(protocols, "sslEnabledProtocols");
        return self();
    }

    /**
     * The TLS cipher suites to enable for {@code https} endpoints, such as
     * {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}; by default those the {@link #sslContext(SSLContext) SSL
     * context} enables. Applied by every backend the template makes (see {@link EtcdRequestFactories}); ignored
     * when {@link #requestFactory(Function)} is set.
     *
     * @param ciphers one or more cipher suite names; must not be {@code null}
     * @return this builder
     * @throws IllegalArgumentException if there is none, or one is {@code null} or blank
     */
    public EtcdTemplate.Builder sslCiphers(String... ciphers) {
        this.sslCiphers = names(ciphers, "sslCiphers");
        return self();
    }

    private static List<String> names(String[] names, String option) {
        OptionChecks.notNull(names, option);
        if (names.length == 0) {
            throw new IllegalArgumentException(option + " must name at least one");
        }
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(option + " must not contain null or blank names");
            }
        }
        return List.of(names);
    }

    /**
     * Adds a listener for what happens inside operations and watches (swap attempts, watch reconnects and
     * resyncs).
     *
     * @param listener the listener; must not be {@code null}
     * @return this builder
     */
    public EtcdTemplate.Builder listener(EtcdClientListener listener) {
        this.listeners.add(OptionChecks.notNull(listener, "listener"));
        return self();
    }

    /**
     * The registry to report each operation to, as one {@code etcd.client.requests} observation (Spring Boot
     * turns it into a timer). Watches are not observed as operations: their requests last minutes.
     *
     * @param observationRegistry the registry; the default, {@link ObservationRegistry#NOOP}, records nothing
     * @return this builder
     */
    public EtcdTemplate.Builder observationRegistry(ObservationRegistry observationRegistry) {
        OptionChecks.notNull(observationRegistry, "observationRegistry");
        this.observationRegistry = () -> observationRegistry;
        return self();
    }

    /**
     * The registry to report to, asked at each operation: for a template built before the registry exists
     * (Spring Boot's configuration import builds one before any bean). While it supplies {@code null},
     * nothing is observed.
     *
     * @param observationRegistry supplies the registry or {@code null}; must not be {@code null} itself
     * @return this builder
     */
    public EtcdTemplate.Builder observationRegistry(Supplier<ObservationRegistry> observationRegistry) {
        this.observationRegistry = OptionChecks.notNull(observationRegistry, "observationRegistry");
        return self();
    }

    /**
     * The convention that names the observations and their key values, in place of
     * {@link DefaultEtcdObservationConvention}.
     *
     * @param observationConvention the convention; must not be {@code null}
     * @return this builder
     */
    public EtcdTemplate.Builder observationConvention(EtcdObservationConvention observationConvention) {
        OptionChecks.notNull(observationConvention, "observationConvention");
        this.observationConvention = () -> observationConvention;
        return self();
    }

    /**
     * The convention, asked at each observed operation; see {@link #observationRegistry(Supplier)}.
     *
     * @param observationConvention supplies the convention, or {@code null} for the default
     * @return this builder
     */
    public EtcdTemplate.Builder observationConvention(Supplier<EtcdObservationConvention> observationConvention) {
        this.observationConvention = OptionChecks.notNull(observationConvention, "observationConvention");
        return self();
    }

    /**
     * The executor for the template's background work: the loop of each watch (one task per watch, running for as
     * long as the watch does) and each {@link EtcdOperations#health(Duration) health check}. The template never
     * shuts it down. By default the template makes one of its own (a thread per running task, idle threads reused,
     * see {@link #threadFactory(ThreadFactory)}) and shuts it down when it closes. A task names its thread for
     * what it does while it runs ({@code etcd-watch /key}, {@code etcd-health}).
     *
     * @param executor the executor; must not be {@code null}, and must run each task at once, not queue it
     *        behind others: a watch's task does not end while the watch runs
     * @return this builder
     */
    public EtcdTemplate.Builder executor(Executor executor) {
        this.executor = OptionChecks.notNull(executor, "executor");
        return self();
    }

    /**
     * The threads of the template's own executor, used when no {@link #executor(Executor) executor} is set.
     *
     * @param threadFactory makes the threads; must not be {@code null}. The default makes daemon threads
     * @return this builder
     */
    public EtcdTemplate.Builder threadFactory(ThreadFactory threadFactory) {
        this.threadFactory = OptionChecks.notNull(threadFactory, "threadFactory");
        return self();
    }
}
