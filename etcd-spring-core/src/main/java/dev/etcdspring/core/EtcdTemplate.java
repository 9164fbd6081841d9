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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLContext;

import dev.etcdspring.core.internal.EtcdCredentials;
import dev.etcdspring.core.internal.EtcdErrors;
import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.internal.EtcdProtocol;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import dev.etcdspring.core.internal.HttpTransport;
import dev.etcdspring.core.internal.Pauses;
import dev.etcdspring.core.internal.ReadPosition;
import dev.etcdspring.core.internal.ServerVersion;
import dev.etcdspring.core.internal.WatchLoop;
import dev.etcdspring.core.observation.DefaultEtcdObservationConvention;
import dev.etcdspring.core.observation.EtcdObservationContext;
import dev.etcdspring.core.observation.EtcdObservationConvention;
import dev.etcdspring.core.observation.EtcdObservationDocumentation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
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
 * <p>Each operation is one {@code etcd.client.requests} observation when the template has an
 * {@link Builder#observationRegistry(ObservationRegistry) observation registry}; see
 * {@link EtcdObservationDocumentation}.
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

    private final Map<String, SwapLane> swapLanes = new ConcurrentHashMap<>();

    private final Function<Duration, ClientHttpRequestFactory> ownedFactories;

    private final WatchBounds watchBounds;

    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

    private final boolean serializableReads;

    private final EtcdClientListener listener;

    private final Supplier<ObservationRegistry> observationRegistry;

    private final Supplier<EtcdObservationConvention> observationConvention;

    private EtcdTemplate(Builder builder) {
        // Only factories the template made itself are closed with it; a caller's own stay the caller's.
        this.ownedFactories = (builder.requestFactories != null) ? null
                : backend(builder.resolvedHttpBackend(), builder.connectTimeout, builder.sslContext);
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
        this.serializableReads = builder.readConsistency == ReadConsistency.SERIALIZABLE;
        this.listener = Listeners.fixed(builder.listeners);
        this.observationRegistry = builder.observationRegistry;
        this.observationConvention = builder.observationConvention;
    }

    private static Function<Duration, ClientHttpRequestFactory> backend(EtcdHttpBackend backend,
            Duration connectTimeout, SSLContext sslContext) {
        return switch (backend) {
            case SOCKET -> EtcdRequestFactories.socket(connectTimeout);
            case JETTY -> EtcdRequestFactories.jetty(connectTimeout, sslContext);
            case HTTP_COMPONENTS -> EtcdRequestFactories.httpComponents(connectTimeout, sslContext);
            case JDK -> EtcdRequestFactories.jdk(connectTimeout, sslContext);
            case URL_CONNECTION -> EtcdRequestFactories.urlConnection(connectTimeout, sslContext);
        };
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
        return observe("get", key, (context) -> {
            String k = EtcdKeys.normalize(key, "key");
            EtcdResponse response = readIfPresent(k, OptionChecks.notNull(options, "options"), context);
            return (response != null) ? valueNode(k, response).value() : null;
        });
    }

    /** The response, or {@code null} when there is no such key: missing, or below a key that is a file. */
    private EtcdResponse readIfPresent(String key, ReadOptions options, EtcdObservationContext context) {
        try {
            return this.protocol.get(key, withConsistency(options));
        }
        catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
            noteFailure(context, ex);
            return null;
        }
    }

    /** The options with the template's read consistency when they do not choose one. */
    private ReadOptions withConsistency(ReadOptions options) {
        return (this.serializableReads && !options.isQuorumSet()) ? options.quorum(false) : options;
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
        return observe("get", key, (context) -> {
            String k = EtcdKeys.normalize(key, "key");
            return this.protocol.get(k, withConsistency(OptionChecks.notNull(options, "options")));
        });
    }

    @Override
    public Map<String, Object> getTree(String dir) {
        return getTree(dir, ReadOptions.defaults());
    }

    @Override
    public Map<String, Object> getTree(String dir, ReadOptions options) {
        return observe("tree", dir, (context) -> {
            String k = EtcdKeys.normalize(dir, "dir");
            EtcdResponse response = readIfPresent(k, OptionChecks.notNull(options, "options"), context);
            if (response == null) {
                return null;
            }
            if (!response.node().dir()) {
                throw EtcdErrors.local(EtcdException.NOT_DIRECTORY, "Not a directory", k, response.etcdIndex(),
                        response.httpStatus());
            }
            return tree(response.node(), options.isRecursive());
        });
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
        String operation = (options != null && options.isCompare()) ? "cas" : "set";
        return observe(operation, key, (context) -> write(key, value, options));
    }

    private EtcdResponse write(String key, String value, WriteOptions options) {
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
        return observe("create", dir, (context) -> {
            String k = EtcdKeys.normalize(dir, "dir");
            checkValue(value, "value", k);
            OptionChecks.notNull(options, "options");
            if (options.isCompare() || options.getPrevExist() != null) {
                throw new IllegalArgumentException("createInOrder in '" + k
                        + "' takes no preconditions (it always creates a new key), got " + options);
            }
            return this.protocol.createInOrder(k, value, options);
        });
    }

    @Override
    public boolean compareAndSet(String key, String expected, String value) {
        return observe("cas", key, (context) -> {
            OptionChecks.notNull(expected, "expected");
            return compareAndSet(key, value, WriteOptions.defaults().prevValue(expected), context);
        });
    }

    @Override
    public boolean compareAndSetIndex(String key, long modifiedIndex, String value) {
        return observe("cas", key, (context) -> {
            if (modifiedIndex < 1) {
                throw new IllegalArgumentException("modifiedIndex must be positive, got " + modifiedIndex);
            }
            return compareAndSet(key, value, WriteOptions.defaults().prevIndex(modifiedIndex), context);
        });
    }

    private boolean compareAndSet(String key, String value, WriteOptions condition, EtcdObservationContext context) {
        try {
            write(key, value, condition);
            return true;
        }
        catch (EtcdCompareFailedException ex) {
            noteFailure(context, ex);
            return false;
        }
    }

    @Override
    public String swap(String key, UnaryOperator<String> fn) {
        return observe("swap", key, (context) -> {
            int[] attempts = new int[1];
            boolean swapped = false;
            try {
                String next = swapUntilDone(key, fn, attempts);
                swapped = true;
                return next;
            }
            finally {
                if (attempts[0] > 0) {
                    this.listener.swapFinished(key, attempts[0], swapped);
                }
                if (context != null) {
                    context.setAttempts(attempts[0]);
                }
            }
        });
    }

    /**
     * The swap loop: read, apply, compare-and-set, within the bounds. {@code tries[0]} counts the compare-and-sets
     * as they happen, so that the caller can report them however the loop ends, by return or by exception.
     *
     * <p>Swaps of one key through this template take turns in a {@link SwapLane}: in the same process they would
     * only make each other's compare-and-set fail. A swap that finishes while another waits hands it the node it
     * wrote, and the next one compares against that without reading first: under contention a swap costs one
     * request instead of two and fails no comparisons against its neighbours. A write from elsewhere in between
     * fails that comparison, and the swap reads afresh.
     */
    private String swapUntilDone(String key, UnaryOperator<String> fn, int[] tries) {
        String k = writableKey(key);
        OptionChecks.notNull(fn, "fn");
        long deadline = System.nanoTime() + this.swapBounds.timeout().toNanos();
        SwapLane lane = this.swapLanes.compute(k, (name, existing) -> ((existing != null) ? existing : new SwapLane())
            .join());
        try {
            lane.enter(k, deadline, this.swapBounds.timeout());
            try {
                return swapInLane(k, fn, tries, deadline, lane);
            }
            finally {
                lane.lock.unlock();
            }
        }
        finally {
            this.swapLanes.computeIfPresent(k, (name, existing) -> existing.leave() ? null : existing);
        }
    }

    private String swapInLane(String k, UnaryOperator<String> fn, int[] tries, long deadline, SwapLane lane) {
        BackOffExecution backOff = this.swapBounds.backOff().start();
        EtcdCompareFailedException lastFailure;
        int attempts = 0;
        while (true) {
            EtcdNode handedOver = lane.handOver;
            lane.handOver = null;
            EtcdNode node = (handedOver != null) ? handedOver
                    : valueNode(k, this.protocol.get(k, ReadOptions.defaults().quorum(true)));
            String next = fn.apply(node.value());
            if (next == null) {
                throw new IllegalArgumentException("the swap function returned null for key '" + k
                        + "' at index " + node.modifiedIndex() + "; it must return the new value");
            }
            EtcdKeys.checkValue(next, "the value returned by the swap function", k);
            attempts++;
            tries[0] = attempts;
            try {
                EtcdResponse written = this.protocol.put(k, next,
                        WriteOptions.defaults().prevIndex(node.modifiedIndex()));
                if (lane.isWaitedFor() && written.node() != null && written.node().modifiedIndex() > 0) {
                    lane.handOver = written.node();
                }
                return next;
            }
            catch (EtcdCompareFailedException ex) {
                lastFailure = ex;
            }
            if (attempts >= this.swapBounds.maxAttempts()) {
                break;
            }
            if (handedOver != null) {
                // Someone outside this template wrote since the last swap here: read afresh at once.
                continue;
            }
            long pause = backOff.nextBackOff();
            if (pause == BackOffExecution.STOP || System.nanoTime() + pause * 1_000_000 > deadline) {
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

    /**
     * The swaps of one key in this template, which take turns; it exists while one runs or waits. Its count of
     * swaps changes only inside the map's compute functions.
     */
    private static final class SwapLane {

        /** Fair, so that every waiting swap gets its turn within its time bound. */
        final ReentrantLock lock = new ReentrantLock(true);

        /** The node the previous swap wrote, for the next; only read or written by the lock's holder. */
        EtcdNode handOver;

        private int swaps;

        SwapLane join() {
            this.swaps++;
            return this;
        }

        /** Whether the lane is now unused. */
        boolean leave() {
            return --this.swaps == 0;
        }

        boolean isWaitedFor() {
            return this.lock.hasQueuedThreads();
        }

        void enter(String key, long deadline, Duration timeout) {
            try {
                if (!this.lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    throw new EtcdSwapExhaustedException("swap of '" + key + "' gave up after waiting " + timeout
                            + " for the other swaps of the same key in this template to finish; the key was not "
                            + "changed by it", new EtcdException.Details(0, 0, 0, null, null, key, false), 0, null);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new EtcdException("swap of '" + key + "' was interrupted; the key was not changed by it",
                        new EtcdException.Details(0, 0, 0, null, null, key, false), ex);
            }
        }
    }

    @Override
    public EtcdResponse delete(String key) {
        return delete(key, WriteOptions.defaults());
    }

    @Override
    public EtcdResponse delete(String key, WriteOptions options) {
        return observe("delete", key, (context) -> {
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
        });
    }

    @Override
    public EtcdResponse deleteAll(String dir) {
        return observe("delete-all", dir,
                (context) -> this.protocol.deleteAll(EtcdKeys.normalize(dir, "dir"), WriteOptions.defaults()));
    }

    @Override
    public EtcdWatch watch(String key, WatchOptions options, Consumer<EtcdResponse> listener) {
        String k = EtcdKeys.normalize(key, "key");
        OptionChecks.notNull(options, "options");
        OptionChecks.notNull(listener, "listener");
        WatchLoop watch = new WatchLoop(this.protocol, k, options, listener, this.watchBounds.initialBackoff(),
                this.watchBounds.maxBackoff(), this.watchBounds.pollTimeout(), this.watches::remove, this.transport,
                this.listener);
        this.watches.add(watch);
        return watch;
    }

    @Override
    public EtcdHealth health(Duration timeout) {
        OptionChecks.positive(timeout, "timeout");
        return observe("health", null, (context) -> checkHealth(timeout));
    }

    private EtcdHealth checkHealth(Duration timeout) {
        String endpoint = currentEndpoint();
        try {
            HttpAnswer answer = this.transport.execute(HttpCall.of(HttpMethod.GET, "/health", true, timeout, null));
            endpoint = answer.endpoint();
            String body = new String(answer.body(), StandardCharsets.UTF_8).replace(" ", "");
            if (!answer.isSuccess() || !body.contains("\"health\":\"true\"")) {
                return new EtcdHealth(false, endpoint, api(), null, 0, null,
                        "etcd at " + endpoint + " says it is not healthy: HTTP " + answer.status() + " "
                                + answer.bodySnippet());
            }
            // A linearizable read of a key nobody needs to have: it works only with a leader and a quorum.
            ReadPosition position = this.protocol.position(HEALTH_PROBE_KEY, timeout);
            EtcdVersion version = ServerVersion.read(this.transport, timeout);
            return new EtcdHealth(true, endpoint, api(), version.server(), position.index(), position.clusterId(),
                    null);
        }
        catch (EtcdException ex) {
            return new EtcdHealth(false, endpoint, api(), null, 0, null, ex.getMessage());
        }
    }

    @Override
    public EtcdVersion version() {
        return observe("version", null, (context) -> ServerVersion.read(this.transport, null));
    }

    @Override
    public List<EtcdMember> members() {
        return observe("members", null, (context) -> this.protocol.members(null));
    }

    /**
     * Runs one operation as an {@code etcd.client.requests} observation. Without a registry (or with one that
     * records nothing) it runs the operation alone, and passes it no context.
     */
    private <T> T observe(String operation, String key, Function<EtcdObservationContext, T> action) {
        ObservationRegistry registry = this.observationRegistry.get();
        if (registry == null || registry.isNoop()) {
            return action.apply(null);
        }
        EtcdObservationContext context = new EtcdObservationContext(operation, key, api());
        Observation observation = EtcdObservationDocumentation.ETCD_CLIENT_REQUESTS.observation(
                this.observationConvention.get(), DefaultEtcdObservationConvention.INSTANCE, () -> context, registry);
        observation.start();
        try (Observation.Scope scope = observation.openScope()) {
            return action.apply(context);
        }
        catch (RuntimeException | Error ex) {
            if (ex instanceof EtcdException etcd) {
                context.noteFailure(etcd);
            }
            observation.error(ex);
            throw ex;
        }
        finally {
            observation.stop();
        }
    }

    private static void noteFailure(EtcdObservationContext context, EtcdException failure) {
        if (context != null) {
            context.noteFailure(failure);
        }
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

        private ReadConsistency readConsistency = ReadConsistency.LINEARIZABLE;

        /** {@code null} until chosen: then the socket backend for http endpoints, Jetty for https. */
        private EtcdHttpBackend httpBackend;

        private SSLContext sslContext;

        private final List<EtcdClientListener> listeners = new ArrayList<>();

        private Supplier<ObservationRegistry> observationRegistry = () -> ObservationRegistry.NOOP;

        private Supplier<EtcdObservationConvention> observationConvention = () -> null;

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
         * given timeout. It is called once per distinct timeout in use. The default is the
         * {@link #httpBackend(EtcdHttpBackend) HTTP backend}'s, with the {@link #connectTimeout(Duration) connect
         * timeout}, closed with the template;
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
         * How reads that do not choose for themselves ({@link ReadOptions#quorum(boolean)}) see the cluster.
         * Internal reads ({@code swap}'s, a watch's, the health check's) stay linearizable.
         *
         * @param readConsistency the consistency; the default is {@link ReadConsistency#LINEARIZABLE}
         * @return this builder
         */
        public Builder readConsistency(ReadConsistency readConsistency) {
            this.readConsistency = OptionChecks.notNull(readConsistency, "readConsistency");
            return this;
        }

        /**
         * The HTTP client the template makes for itself, with the {@link #connectTimeout(Duration) connect
         * timeout} and {@link #sslContext(SSLContext) SSL context}, and closes with itself. Ignored when
         * {@link #requestFactory(Function)} is set.
         *
         * @param httpBackend the backend; by default {@link EtcdHttpBackend#SOCKET} when every endpoint is
         *        {@code http}, {@link EtcdHttpBackend#JETTY} when one is {@code https}
         * @return this builder
         */
        public Builder httpBackend(EtcdHttpBackend httpBackend) {
            this.httpBackend = OptionChecks.notNull(httpBackend, "httpBackend");
            return this;
        }

        /**
         * The SSL context for {@code https} endpoints: the certificates to trust, and the client's own for etcd's
         * {@code --client-cert-auth}. Without one, the JVM's default trust applies. Hostnames are verified either
         * way. Ignored when {@link #requestFactory(Function)} is set: those factories bring their own.
         *
         * @param sslContext the SSL context; must not be {@code null}
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = OptionChecks.notNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Adds a listener for what happens inside operations and watches (swap attempts, watch reconnects and
         * resyncs).
         *
         * @param listener the listener; must not be {@code null}
         * @return this builder
         */
        public Builder listener(EtcdClientListener listener) {
            this.listeners.add(OptionChecks.notNull(listener, "listener"));
            return this;
        }

        /**
         * The registry to report each operation to, as one {@code etcd.client.requests} observation (Spring Boot
         * turns it into a timer). Watches are not observed as operations: their requests last minutes.
         *
         * @param observationRegistry the registry; the default, {@link ObservationRegistry#NOOP}, records nothing
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry observationRegistry) {
            OptionChecks.notNull(observationRegistry, "observationRegistry");
            this.observationRegistry = () -> observationRegistry;
            return this;
        }

        /**
         * The registry to report to, asked at each operation: for a template built before the registry exists
         * (Spring Boot's configuration import builds one before any bean). While it supplies {@code null},
         * nothing is observed.
         *
         * @param observationRegistry supplies the registry or {@code null}; must not be {@code null} itself
         * @return this builder
         */
        public Builder observationRegistry(Supplier<ObservationRegistry> observationRegistry) {
            this.observationRegistry = OptionChecks.notNull(observationRegistry, "observationRegistry");
            return this;
        }

        /**
         * The convention that names the observations and their key values, in place of
         * {@link DefaultEtcdObservationConvention}.
         *
         * @param observationConvention the convention; must not be {@code null}
         * @return this builder
         */
        public Builder observationConvention(EtcdObservationConvention observationConvention) {
            OptionChecks.notNull(observationConvention, "observationConvention");
            this.observationConvention = () -> observationConvention;
            return this;
        }

        /**
         * The convention, asked at each observed operation; see {@link #observationRegistry(Supplier)}.
         *
         * @param observationConvention supplies the convention, or {@code null} for the default
         * @return this builder
         */
        public Builder observationConvention(Supplier<EtcdObservationConvention> observationConvention) {
            this.observationConvention = OptionChecks.notNull(observationConvention, "observationConvention");
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

        /**
         * The backend chosen, or the default for the endpoints.
         *
         * @throws IllegalArgumentException when the socket backend was chosen for an https endpoint
         */
        private EtcdHttpBackend resolvedHttpBackend() {
            EtcdHttpBackend backend = (this.httpBackend != null) ? this.httpBackend
                    : EtcdHttpBackend.defaultFor(this.endpoints);
            backend.checkEndpoints(this.endpoints);
            return backend;
        }
    }
}
