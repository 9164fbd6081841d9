package dev.etcdspring.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.etcdspring.core.internal.EtcdCredentials;
import dev.etcdspring.core.internal.EtcdErrors;
import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.internal.EtcdProtocol;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import dev.etcdspring.core.internal.HttpTransport;
import dev.etcdspring.core.internal.Pauses;
import dev.etcdspring.core.internal.ServerVersion;
import dev.etcdspring.core.internal.WatchLoop;
import dev.etcdspring.core.v2.V2Protocol;
import dev.etcdspring.core.v3.V3Protocol;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.web.client.RestClient;

/**
 * The etcd client: every {@link EtcdOperations} on etcd's v2 or v3 HTTP API, over Spring's {@link RestClient}.
 * Thread-safe; build one per cluster, share it, and {@link #close()} it when done (a Spring context closes a
 * template bean by itself).
 *
 * <pre>{@code
 * EtcdTemplate etcd = EtcdTemplate.builder()
 *         .endpoints("http://127.0.0.1:2379")
 *         .api(EtcdApi.V3)                      // the default; EtcdApi.V2 for the v2 keys API
 *         .timeout(Duration.ofSeconds(5))
 *         .build();
 * etcd.set("/cats/mittens", "black n white");
 * etcd.swap("/counter", (n) -> Integer.toString(Integer.parseInt(n) + 1));
 * }</pre>
 *
 * <p>Validation and the simplified views (values, maps, booleans) live here; the wire protocol, the escaping
 * and the error translation live behind it.
 */
public class EtcdTemplate implements EtcdOperations, AutoCloseable {

    /** The key the health check reads: hidden on v2, and harmless to read wherever it exists. */
    private static final String HEALTH_PROBE_KEY = "/_etcd-spring-boot-health";

    private final EtcdProtocol protocol;

    private final HttpTransport transport;

    private final SwapBounds swapBounds;

    private final Function<Duration, ClientHttpRequestFactory> ownedFactories;

    private final WatchBounds watchBounds;

    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

    private EtcdTemplate(Builder builder) {
        // Only factories the template made itself are closed with it; a caller's own stay the caller's.
        this.ownedFactories = (builder.requestFactories != null) ? null
                : EtcdRequestFactories.jetty(builder.connectTimeout);
        Function<Duration, ClientHttpRequestFactory> factories = (this.ownedFactories != null) ? this.ownedFactories
                : builder.requestFactories;
        RestClient.Builder restClient = (builder.restClientBuilder != null) ? builder.restClientBuilder
                : RestClient.builder();
        this.transport = new HttpTransport(builder.endpoints, restClient, factories, builder.timeout);
        this.protocol = (builder.api == EtcdApi.V2) ? new V2Protocol(this.transport, builder.credentials)
                : new V3Protocol(this.transport, builder.credentials);
        this.swapBounds = new SwapBounds(builder.swapMaxAttempts, builder.swapTimeout, builder.swapInitialBackoff,
                builder.swapMaxBackoff);
        this.watchBounds = new WatchBounds(builder.watchInitialBackoff, builder.watchMaxBackoff,
                builder.watchPollTimeout);
    }

    /**
     * Starts building a template.
     *
     * @return a builder with the defaults: {@code http://127.0.0.1:2379}, {@link EtcdApi#V3}, a 10 second
     *         timeout
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public EtcdApi api() {
        return this.protocol.api();
    }

    /**
     * The endpoints this template sends requests to, in the order given.
     *
     * @return the endpoint base URLs
     */
    public List<String> endpoints() {
        return this.transport.endpoints();
    }

    /**
     * The endpoint the next request goes to first: the one that answered last. It changes when that endpoint
     * fails and another answers.
     *
     * @return an endpoint base URL
     */
    public String currentEndpoint() {
        return this.transport.preferredEndpoint();
    }

    @Override
    public String get(String key) {
        return get(key, ReadOptions.defaults());
    }

    @Override
    public String get(String key, ReadOptions options) {
        String k = EtcdKeys.normalize(key, "key");
        EtcdResponse response = readIfPresent(k, OptionChecks.notNull(options, "options"));
        return (response != null) ? valueNode(k, response).value() : null;
    }

    /** The response, or {@code null} when there is no such key: missing, or below a key that is a file. */
    private EtcdResponse readIfPresent(String key, ReadOptions options) {
        try {
            return this.protocol.get(key, options);
        }
        catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
            return null;
        }
    }

    /** The node of a response that must be a key with a value, as etcd's "Not a file" otherwise. */
    private static EtcdNode valueNode(String key, EtcdResponse response) {
        if (response.node().dir()) {
            throw EtcdErrors.local(EtcdException.NOT_FILE, "Not a file", key, response.etcdIndex(),
                    response.httpStatus());
        }
        return response.node();
    }

    @Override
    public EtcdResponse getResponse(String key) {
        return getResponse(key, ReadOptions.defaults());
    }

    @Override
    public EtcdResponse getResponse(String key, ReadOptions options) {
        String k = EtcdKeys.normalize(key, "key");
        return this.protocol.get(k, OptionChecks.notNull(options, "options"));
    }

    @Override
    public Map<String, Object> getTree(String dir) {
        return getTree(dir, ReadOptions.defaults());
    }

    @Override
    public Map<String, Object> getTree(String dir, ReadOptions options) {
        String k = EtcdKeys.normalize(dir, "dir");
        EtcdResponse response = readIfPresent(k, OptionChecks.notNull(options, "options"));
        if (response == null) {
            return null;
        }
        if (!response.node().dir()) {
            throw EtcdErrors.local(EtcdException.NOT_DIRECTORY, "Not a directory", k, response.etcdIndex(),
                    response.httpStatus());
        }
        return tree(response.node(), options.isRecursive());
    }

    private static Map<String, Object> tree(EtcdNode dir, boolean recursive) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (EtcdNode child : dir.nodes()) {
            Object value = child.dir() ? (recursive ? tree(child, true) : null) : child.value();
            tree.put(child.name(), value);
        }
        return tree;
    }

    @Override
    public EtcdResponse set(String key, String value) {
        return set(key, value, WriteOptions.defaults());
    }

    @Override
    public EtcdResponse set(String key, String value, WriteOptions options) {
        String k = writableKey(key);
        checkValue(value, "value", k);
        OptionChecks.notNull(options, "options");
        if (options.getPrevValue() != null) {
            checkValue(options.getPrevValue(), "prevValue", k);
        }
        return this.protocol.put(k, value, options);
    }

    @Override
    public EtcdResponse createInOrder(String dir, String value) {
        return createInOrder(dir, value, WriteOptions.defaults());
    }

    @Override
    public EtcdResponse createInOrder(String dir, String value, WriteOptions options) {
        String k = EtcdKeys.normalize(dir, "dir");
        checkValue(value, "value", k);
        OptionChecks.notNull(options, "options");
        if (options.isCompare() || options.getPrevExist() != null) {
            throw new IllegalArgumentException("createInOrder in '" + k
                    + "' takes no preconditions (it always creates a new key), got " + options);
        }
        return this.protocol.createInOrder(k, value, options);
    }

    @Override
    public boolean compareAndSet(String key, String expected, String value) {
        OptionChecks.notNull(expected, "expected");
        return compareAndSet(key, value, WriteOptions.defaults().prevValue(expected));
    }

    @Override
    public boolean compareAndSetIndex(String key, long modifiedIndex, String value) {
        if (modifiedIndex < 1) {
            throw new IllegalArgumentException("modifiedIndex must be positive, got " + modifiedIndex);
        }
        return compareAndSet(key, value, WriteOptions.defaults().prevIndex(modifiedIndex));
    }

    private boolean compareAndSet(String key, String value, WriteOptions condition) {
        try {
            set(key, value, condition);
            return true;
        }
        catch (EtcdCompareFailedException ex) {
            return false;
        }
    }

    @Override
    public String swap(String key, UnaryOperator<String> fn) {
        String k = writableKey(key);
        OptionChecks.notNull(fn, "fn");
        long deadline = System.nanoTime() + this.swapBounds.timeout().toNanos();
        BackOffExecution backOff = this.swapBounds.backOff().start();
        EtcdCompareFailedException lastFailure;
        int attempts = 0;
        while (true) {
            attempts++;
            EtcdNode node = valueNode(k, this.protocol.get(k, ReadOptions.defaults()));
            String next = fn.apply(node.value());
            if (next == null) {
                throw new IllegalArgumentException("the swap function returned null for key '" + k
                        + "' (value '" + node.value() + "'); it must return the new value");
            }
            EtcdKeys.checkValue(next, "the value returned by the swap function", k);
            try {
                this.protocol.put(k, next, WriteOptions.defaults().prevIndex(node.modifiedIndex()));
                return next;
            }
            catch (EtcdCompareFailedException ex) {
                lastFailure = ex;
            }
            long pause = backOff.nextBackOff();
            if (attempts >= this.swapBounds.maxAttempts() || pause == BackOffExecution.STOP
                    || System.nanoTime() + pause * 1_000_000 > deadline) {
                break;
            }
            Pauses.sleep(pause, k, "swap of '" + k + "' was interrupted; the key was not changed by it");
        }
        throw new EtcdSwapExhaustedException("swap of '" + k + "' gave up after " + attempts
                + " attempts: the key changed between each read and its compare-and-set (bounds: "
                + this.swapBounds.maxAttempts() + " attempts, " + this.swapBounds.timeout() + ")",
                new EtcdException.Details(EtcdException.COMPARE_FAILED, lastFailure.getHttpStatus(),
                        lastFailure.getIndex(), lastFailure.getEtcdMessage(), lastFailure.getEtcdCause(), k, false),
                attempts, lastFailure);
    }

    @Override
    public EtcdResponse delete(String key) {
        return delete(key, WriteOptions.defaults());
    }

    @Override
    public EtcdResponse delete(String key, WriteOptions options) {
        String k = writableKey(key);
        OptionChecks.notNull(options, "options");
        if (options.getTtl() != null || options.getPrevExist() != null) {
            throw new IllegalArgumentException(
                    "delete of '" + k + "' takes only prevValue, prevIndex and timeout, got " + options);
        }
        if (options.getPrevValue() != null) {
            checkValue(options.getPrevValue(), "prevValue", k);
        }
        return this.protocol.delete(k, options);
    }

    @Override
    public EtcdResponse deleteAll(String dir) {
        return this.protocol.deleteAll(EtcdKeys.normalize(dir, "dir"), WriteOptions.defaults());
    }

    @Override
    public EtcdWatch watch(String key, WatchOptions options, Consumer<EtcdResponse> listener) {
        String k = EtcdKeys.normalize(key, "key");
        OptionChecks.notNull(options, "options");
        OptionChecks.notNull(listener, "listener");
        WatchLoop watch = new WatchLoop(this.protocol, k, options, listener, this.watchBounds.initialBackoff(),
                this.watchBounds.maxBackoff(), this.watchBounds.pollTimeout(), this.watches::remove, this.transport);
        this.watches.add(watch);
        return watch;
    }

    @Override
    public EtcdHealth health(Duration timeout) {
        OptionChecks.positive(timeout, "timeout");
        String endpoint = currentEndpoint();
        try {
            HttpAnswer answer = this.transport.execute(HttpCall.of(HttpMethod.GET, "/health", true, timeout, null));
            endpoint = answer.endpoint();
            String body = new String(answer.body(), StandardCharsets.UTF_8).replace(" ", "");
            if (!answer.isSuccess() || !body.contains("\"health\":\"true\"")) {
                return new EtcdHealth(false, endpoint, api(), null, 0,
                        "etcd at " + endpoint + " says it is not healthy: HTTP " + answer.status() + " "
                                + answer.bodySnippet());
            }
            // A linearizable read of a key nobody needs to have: it works only with a leader and a quorum.
            long index = this.protocol.nextIndex(HEALTH_PROBE_KEY, timeout) - 1;
            EtcdVersion version = ServerVersion.read(this.transport, timeout);
            return new EtcdHealth(true, endpoint, api(), version.server(), index, null);
        }
        catch (EtcdException ex) {
            return new EtcdHealth(false, endpoint, api(), null, 0, ex.getMessage());
        }
    }

    @Override
    public EtcdVersion version() {
        return ServerVersion.read(this.transport, null);
    }

    @Override
    public List<EtcdMember> members() {
        return this.protocol.members(null);
    }

    /**
     * Releases the connections of the HTTP backend the template made itself (a backend passed to
     * {@link Builder#requestFactory(Function)} stays open). Operations after {@code close()} fail with
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        List.copyOf(this.watches).forEach(EtcdWatch::close);
        this.transport.close();
        if (this.ownedFactories instanceof AutoCloseable pool) {
            try {
                pool.close();
            }
            catch (Exception ex) {
                throw new IllegalStateException("Closing the etcd HTTP connection pool failed", ex);
            }
        }
    }

    @Override
    public String toString() {
        return "EtcdTemplate[api=" + api() + ", endpoints=" + endpoints() + "]";
    }

    private static String writableKey(String key) {
        String k = EtcdKeys.normalize(key, "key");
        if (k.equals(EtcdKeys.ROOT)) {
            throw new IllegalArgumentException("key must not be the root ('" + key
                    + "'): etcd's root is read only; name a key below it");
        }
        return k;
    }

    private static void checkValue(String value, String what, String key) {
        if (value == null) {
            throw new IllegalArgumentException(what + " for key '" + key + "' must not be null");
        }
        EtcdKeys.checkValue(value, what, key);
    }

    /** How watches space their attempts after failures, and how long one poll or stream lasts. */
    private record WatchBounds(Duration initialBackoff, Duration maxBackoff, Duration pollTimeout) {
    }

    /** How long {@link #swap} keeps trying, and how it spaces its attempts. */
    private record SwapBounds(int maxAttempts, Duration timeout, Duration initialBackoff, Duration maxBackoff) {

        ExponentialBackOff backOff() {
            ExponentialBackOff backOff = new ExponentialBackOff(this.initialBackoff.toMillis(), 2.0);
            backOff.setJitter(this.initialBackoff.toMillis());
            backOff.setMaxInterval(this.maxBackoff.toMillis());
            return backOff;
        }
    }

    /**
     * Builds an {@link EtcdTemplate}. Every setting has a default; see {@link EtcdTemplate#builder()}.
     */
    public static final class Builder {

        private List<String> endpoints = List.of("http://127.0.0.1:2379");

        private EtcdApi api = EtcdApi.V3;

        private EtcdCredentials credentials;

        private Duration timeout = Duration.ofSeconds(10);

        private Duration connectTimeout = Duration.ofSeconds(2);

        private RestClient.Builder restClientBuilder;

        private Function<Duration, ClientHttpRequestFactory> requestFactories;

        private int swapMaxAttempts = 100;

        private Duration swapTimeout = Duration.ofSeconds(30);

        private Duration swapInitialBackoff = Duration.ofMillis(5);

        private Duration swapMaxBackoff = Duration.ofMillis(500);

        private Duration watchInitialBackoff = Duration.ofMillis(100);

        private Duration watchMaxBackoff = Duration.ofSeconds(10);

        private Duration watchPollTimeout = Duration.ofMinutes(5);

        private Builder() {
        }

        /**
         * The base URLs of the etcd members to talk to, such as {@code http://127.0.0.1:2379}. With several, a
         * request that cannot connect goes to the next, and the template keeps using the one that answered.
         *
         * @param endpoints one or more {@code http} or {@code https} URLs, without query or fragment
         * @return this builder
         * @throws IllegalArgumentException if there is none, or one is not such a URL
         */
        public Builder endpoints(String... endpoints) {
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
        public Builder endpoints(List<String> endpoints) {
            OptionChecks.notNull(endpoints, "endpoints");
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints must name at least one etcd URL");
            }
            List<String> checked = new ArrayList<>();
            for (String endpoint : endpoints) {
                checked.add(checkEndpoint(endpoint));
            }
            this.endpoints = List.copyOf(checked);
            return this;
        }

        private static String checkEndpoint(String endpoint) {
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("endpoint must not be null or blank");
            }
            URI uri;
            try {
                uri = new URI(endpoint.strip());
            }
            catch (URISyntaxException ex) {
                throw new IllegalArgumentException("endpoint '" + endpoint + "' is not a URL: " + ex.getMessage(), ex);
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException(
                        "endpoint '" + endpoint + "' must be an http or https URL, such as http://127.0.0.1:2379");
            }
            if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("endpoint '" + endpoint
                        + "' must be a URL with a host and without query or fragment, such as http://127.0.0.1:2379");
            }
            String text = uri.toString();
            return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        }

        /**
         * The API to speak: {@link EtcdApi#V3}, the default, which every etcd since 3.4 serves; or
         * {@link EtcdApi#V2} for etcd up to 3.5 started with {@code --enable-v2=true}. The two keep separate data.
         *
         * @param api the API; must not be {@code null}
         * @return this builder
         */
        public Builder api(EtcdApi api) {
            this.api = OptionChecks.notNull(api, "api");
            return this;
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
        public Builder credentials(String username, String password) {
            if (username == null || username.isEmpty()) {
                throw new IllegalArgumentException("username must not be null or empty");
            }
            OptionChecks.notNull(password, "password");
            this.credentials = new EtcdCredentials(username, password);
            return this;
        }

        /**
         * How long each request waits for the server's answer unless its options say otherwise. Keep it above 7
         * seconds to let etcd report its own timeouts (it answers a write it cannot commit after about 7 s).
         *
         * @param timeout a positive duration; the default is 10 seconds
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = OptionChecks.positive(timeout, "timeout");
            return this;
        }

        /**
         * How long to wait for a connection to an endpoint before trying the next, for the default request
         * factories.
         *
         * @param connectTimeout a positive duration; the default is 2 seconds
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = OptionChecks.positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * A {@link RestClient.Builder} to derive the template's clients from, so that its interceptors, default
         * headers and observation settings apply. It is cloned, never changed; its request factory is replaced
         * by the {@link #requestFactory(Function) request factories}.
         *
         * @param restClientBuilder the builder; must not be {@code null}
         * @return this builder
         */
        public Builder restClientBuilder(RestClient.Builder restClientBuilder) {
            this.restClientBuilder = OptionChecks.notNull(restClientBuilder, "restClientBuilder");
            return this;
        }

        /**
         * The HTTP backend: a function that makes a {@link ClientHttpRequestFactory} whose answers wait at most the
         * given timeout. It is called once per distinct timeout in use. The default is
         * {@link EtcdRequestFactories#jetty(Duration)} with the {@link #connectTimeout(Duration) connect timeout},
         * closed with the template;
         * the factories must not follow redirects.
         *
         * @param requestFactories makes a request factory for a timeout; must not be {@code null}
         * @return this builder
         */
        public Builder requestFactory(Function<Duration, ClientHttpRequestFactory> requestFactories) {
            this.requestFactories = OptionChecks.notNull(requestFactories, "requestFactories");
            return this;
        }

        /**
         * How many compare-and-sets {@link EtcdOperations#swap} tries before it gives up.
         *
         * @param maxAttempts at least 1; the default is 100
         * @return this builder
         */
        public Builder swapMaxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("swapMaxAttempts must be at least 1, got " + maxAttempts);
            }
            this.swapMaxAttempts = maxAttempts;
            return this;
        }

        /**
         * How long {@link EtcdOperations#swap} keeps trying before it gives up.
         *
         * @param timeout a positive duration; the default is 30 seconds
         * @return this builder
         */
        public Builder swapTimeout(Duration timeout) {
            this.swapTimeout = OptionChecks.positive(timeout, "swapTimeout");
            return this;
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
        public Builder swapBackoff(Duration initial, Duration max) {
            OptionChecks.backoff(initial, max, "swap");
            this.swapInitialBackoff = initial;
            this.swapMaxBackoff = max;
            return this;
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
        public Builder watchBackoff(Duration initial, Duration max) {
            OptionChecks.backoff(initial, max, "watch");
            this.watchInitialBackoff = initial;
            this.watchMaxBackoff = max;
            return this;
        }

        /**
         * How long one watch request (a v2 long poll, a v3 stream) lasts before the watch asks again from where it
         * is; watches ignore the request {@link #timeout(Duration) timeout}. A shorter one notices a connection that
         * died without a word sooner.
         *
         * @param pollTimeout a positive duration; the default is 5 minutes
         * @return this builder
         */
        public Builder watchPollTimeout(Duration pollTimeout) {
            this.watchPollTimeout = OptionChecks.positive(pollTimeout, "watchPollTimeout");
            return this;
        }

        /**
         * Builds the template. No request is sent until the first operation.
         *
         * @return the template
         */
        public EtcdTemplate build() {
            return new EtcdTemplate(this);
        }
    }
}
