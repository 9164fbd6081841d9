// One job: the etcd client's facade: the public methods, each handing its call to the parts behind it (made on the
// first one), and the building. What the calls do is TemplateCalls'; what it owns and closes, TemplateResources'.
package dev.etcdspring.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.etcdspring.core.election.EtcdElectionOperations;
import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.internal.TlsSettings;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import dev.etcdspring.core.lock.EtcdLockOperations;
import dev.etcdspring.core.observation.EtcdObservationDocumentation;
import io.micrometer.observation.ObservationRegistry;
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
 * <p>Every operation is checked, observed and answered behind the template, by parts it makes on its first
 * operation: the simplified views (values, maps, booleans), the wire protocol, the escaping, the error translation,
 * the failover, the swap loop, the health check and the observations. Watches and health checks run on the
 * {@link Builder#executor(Executor) executor}.
 */
public class EtcdTemplate implements EtcdOperations, AutoCloseable {

    /** What the template was built with, apart from the builder it came from: its parts are made from it. */
    private final TemplateSettings settings;

    private final EtcdClientListener listener;

    /** The parts behind the template, made by the first operation; {@code null} until then. */
    private volatile TemplateWiring wiring;

    /** Guards the making of the parts and {@link #closed}: a lock of its own, not the public template's. */
    private final Object wiringLock = new Object();

    /** Whether {@link #close()} was called: parts made after it are made closed. */
    private boolean closed;

    private EtcdTemplate(Builder builder) {
        // Refusals that need no part of the client come now, from build(); the parts come with the first use.
        EtcdHttpBackend backend = HttpBackends.resolve(builder.httpBackend, builder.endpoints);
        if (builder.requestFactories == null) {
            HttpBackends.requireLibraryOf(backend);
            if (builder.sslEnabledProtocols != null || builder.sslCiphers != null) {
                // Names the JVM does not support are refused by an engine of the context, made here for that alone.
                new TlsSettings(builder.sslContext, builder.sslEnabledProtocols, builder.sslCiphers);
            }
        }
        this.settings = builder.snapshot();
        this.listener = Listeners.fixed(builder.listeners);
    }

    /**
     * The parts behind the template, made on first use. A template closed before its first use makes them closed,
     * so that it refuses every operation as a template closed after use does.
     */
    private TemplateWiring wiring() {
        TemplateWiring current = this.wiring;
        if (current != null) {
            return current;
        }
        synchronized (this.wiringLock) {
            if (this.wiring == null) {
                TemplateWiring made = new TemplateWiring(this, this.settings, this.listener);
                if (this.closed) {
                    made.resources.close();
                }
                this.wiring = made;
            }
            return this.wiring;
        }
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
        return this.settings.api;
    }

    /**
     * The endpoints this template sends requests to, in the order given.
     *
     * @return the endpoint base URLs
     */
    public List<String> endpoints() {
        return this.settings.endpoints;
    }

    /**
     * The endpoint the next request goes to first: the one that answered last. It changes when that endpoint
     * fails and another answers.
     *
     * @return an endpoint base URL
     */
    public String currentEndpoint() {
        return wiring().transport.preferredEndpoint();
    }

    @Override
    public String get(String key) {
        return get(key, ReadOptions.defaults());
    }

    @Override
    public String get(String key, ReadOptions options) {
        return wiring().calls.get(key, options);
    }

    @Override
    public EtcdResponse getResponse(String key) {
        return getResponse(key, ReadOptions.defaults());
    }

    @Override
    public EtcdResponse getResponse(String key, ReadOptions options) {
        return wiring().calls.getResponse(key, options);
    }

    @Override
    public Map<String, Object> getTree(String dir) {
        return getTree(dir, ReadOptions.defaults());
    }

    @Override
    public Map<String, Object> getTree(String dir, ReadOptions options) {
        return wiring().calls.getTree(dir, options);
    }

    @Override
    public EtcdResponse set(String key, String value) {
        return set(key, value, WriteOptions.defaults());
    }

    @Override
    public EtcdResponse set(String key, String value, WriteOptions options) {
        return wiring().calls.set(key, value, options);
    }

    @Override
    public EtcdResponse createInOrder(String dir, String value) {
        return createInOrder(dir, value, WriteOptions.defaults());
    }

    @Override
    public EtcdResponse createInOrder(String dir, String value, WriteOptions options) {
        return wiring().calls.createInOrder(dir, value, options);
    }

    @Override
    public boolean compareAndSet(String key, String expected, String value) {
        return wiring().calls.compareAndSet(key, expected, value);
    }

    @Override
    public boolean compareAndSetIndex(String key, long modifiedIndex, String value) {
        return wiring().calls.compareAndSetIndex(key, modifiedIndex, value);
    }

    @Override
    public String swap(String key, UnaryOperator<String> fn) {
        return wiring().calls.swap(key, fn);
    }

    @Override
    public EtcdResponse delete(String key) {
        return delete(key, WriteOptions.defaults());
    }

    @Override
    public EtcdResponse delete(String key, WriteOptions options) {
        return wiring().calls.delete(key, options);
    }

    @Override
    public EtcdResponse deleteAll(String dir) {
        return wiring().calls.deleteAll(dir);
    }

    @Override
    public EtcdWatch watch(String key, WatchOptions options, Consumer<EtcdResponse> listener) {
        String k = EtcdKeys.normalize(key, "key");
        OptionChecks.notNull(options, "options");
        OptionChecks.notNull(listener, "listener");
        TemplateWiring parts = wiring();
        return parts.resources.watch(parts.protocol, k, options, listener);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The check runs on the template's {@link Builder#executor(Executor) executor}, and this waits for it at
     * most {@code timeout}: a check that has not ended by then goes on in the background and the answer is
     * unhealthy ("etcd did not answer within" the timeout).
     */
    @Override
    public EtcdHealth health(Duration timeout) {
        OptionChecks.positive(timeout, "timeout");
        return wiring().calls.health(timeout);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Its watches run on the template's {@link Builder#executor(Executor) executor}, with the template's watch
     * backoff, and close with the template.
     */
    @Override
    public EtcdKeyValueOperations opsForKeyValue() {
        if (this.settings.api != EtcdApi.V3) {
            throw v3Only("opsForKeyValue()", "keys as bytes, revisions and transactions");
        }
        return wiring().keyValue;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Its keep-alives run on the template's {@link Builder#executor(Executor) executor}; the template's
     * {@link #close()} closes them, revoking their leases.
     */
    @Override
    public EtcdLeaseOperations opsForLeases() {
        if (this.settings.api != EtcdApi.V3) {
            throw v3Only("opsForLeases()", "leases");
        }
        return wiring().leases;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Renewals and watches of held locks run on the template's {@link Builder#executor(Executor) executor}; the
     * template's {@link #close()} stops them, releasing the locks.
     */
    @Override
    public EtcdLockOperations opsForLocks() {
        return wiring().locks;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Renewals and observations run on the template's {@link Builder#executor(Executor) executor}; the
     * template's {@link #close()} stops them, resigning leaderships.
     */
    @Override
    public EtcdElectionOperations opsForElections() {
        return wiring().elections;
    }

    private UnsupportedOperationException v3Only(String method, String what) {
        return new UnsupportedOperationException(method + " needs etcd's v3 API (" + what + " exist only there), but "
                + "this template speaks the " + api().name().toLowerCase(java.util.Locale.ROOT) + " API (EtcdApi." + api().name() + "); build one with "
                + "api(EtcdApi.V3) for it, beside this one if the v2 data must stay reachable");
    }

    @Override
    public EtcdVersion version() {
        return wiring().calls.version();
    }

    @Override
    public List<EtcdMember> members() {
        return wiring().calls.members();
    }

    /**
     * Closes the watches, shuts down the executor the template made for itself (an application's
     * {@link Builder#executor(Executor) executor} stays as it is) and releases the connections of the HTTP backend
     * the template made itself (a backend passed to {@link Builder#requestFactory(Function)} stays open).
     * Operations after {@code close()} fail with {@link IllegalStateException}.
     */
    @Override
    public void close() {
        TemplateWiring made;
        synchronized (this.wiringLock) {
            this.closed = true;
            made = this.wiring;
        }
        if (made != null) {
            made.resources.close();
        }
    }

    @Override
    public String toString() {
        return "EtcdTemplate[api=" + api() + ", endpoints=" + endpoints() + "]";
    }

    /**
     * Builds an {@link EtcdTemplate}. Every setting has a default; see {@link EtcdTemplate#builder()}.
     */
    public static final class Builder extends TemplateSettings {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Builds the template. Nothing is sent, and neither its HTTP backend nor its executor is made, until the
         * first operation: building one costs an application's start next to nothing. What the builder is told
         * afterwards does not reach the template.
         *
         * @return the template
         * @throws IllegalArgumentException when the socket backend was chosen for an https endpoint
         * @throws IllegalStateException when the HTTP backend's library is not on the class path
         */
        public EtcdTemplate build() {
            return new EtcdTemplate(this);
        }
    }
}
