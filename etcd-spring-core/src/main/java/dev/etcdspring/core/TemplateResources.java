// One job: what an EtcdTemplate owns and gives back when it closes: the HTTP backend and the executor it made for
// itself (an application's own stay open), the transport, and the watches it starts on that executor.
package dev.etcdspring.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.etcdspring.core.internal.BackgroundWork;
import dev.etcdspring.core.internal.DirectoryWatchSource;
import dev.etcdspring.core.internal.EtcdProtocol;
import dev.etcdspring.core.internal.HttpTransport;
import dev.etcdspring.core.internal.KeepAliveLoop;
import dev.etcdspring.core.internal.RequestAborter;
import dev.etcdspring.core.internal.TemplateScope;
import dev.etcdspring.core.internal.WatchLoop;
import dev.etcdspring.core.internal.WatchSource;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The lifecycle bookkeeping of an {@link EtcdTemplate}: it makes the request factories (unless the application
 * gave its own), the {@link HttpTransport} over them and the executor (unless the application gave one), starts
 * the watches on that executor and keeps them while they are open, and on {@link #close()} closes the watches and
 * the transport and releases only what it made.
 */
final class TemplateResources implements TemplateScope {

    private final Function<Duration, ClientHttpRequestFactory> ownedFactories;

    private final HttpTransport transport;

    /** The executor the template made for itself, shut down with it; {@code null} for the application's. */
    private final ExecutorService ownedExecutor;

    private final Executor executor;

    private final EtcdBackoff watchBackoff;

    private final Duration watchPollTimeout;

    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

    private final Set<KeepAliveLoop> leases = ConcurrentHashMap.newKeySet();

    private final EtcdClientListener clientListener;

    TemplateResources(TemplateSettings settings, EtcdClientListener clientListener) {
        this.clientListener = clientListener;
        // Only factories the template made itself are closed with it; a caller's own stay the caller's.
        this.ownedFactories = (settings.requestFactories != null) ? null
                : HttpBackends.factories(HttpBackends.resolve(settings.httpBackend, settings.endpoints),
                        settings.connectTimeout, settings.sslContext, settings.sslEnabledProtocols,
                        settings.sslCiphers);
        Function<Duration, ClientHttpRequestFactory> factories = (this.ownedFactories != null) ? this.ownedFactories
                : settings.requestFactories;
        RestClient.Builder restClient = (settings.restClientBuilder != null) ? settings.restClientBuilder
                : (settings.restClientBuilderSupplier != null)
                        ? OptionChecks.notNull(settings.restClientBuilderSupplier.get(), "restClientBuilder's result")
                        : RestClient.builder();
        this.transport = new HttpTransport(settings.endpoints, restClient, factories, settings.timeout);
        this.ownedExecutor = (settings.executor != null) ? null
                : BackgroundWork.newDefaultExecutor(settings.threadFactory);
        this.executor = (settings.executor != null) ? settings.executor : this.ownedExecutor;
        this.watchBackoff = EtcdBackoff.exponential(settings.watchInitialBackoff, settings.watchMaxBackoff)
            .jitter(0.5);
        this.watchPollTimeout = settings.watchPollTimeout;
    }

    HttpTransport transport() {
        return this.transport;
    }

    /** The executor of the template's watches and health checks: the application's, or the template's own. */
    Executor executor() {
        return this.executor;
    }

    /**
     * Starts a watch on the executor, with the template's watch backoff and poll timeout, and keeps it until it
     * closes.
     *
     * @param protocol the protocol to watch through
     * @param key the normalised key
     * @param options the options
     * @param listener receives the changes
     * @return the watch
     * @throws IllegalStateException when the executor refused the task because the template is closed
     * @throws RejectedExecutionException when the executor refused the task otherwise
     */
    EtcdWatch watch(EtcdProtocol protocol, String key, WatchOptions options, Consumer<EtcdResponse> listener) {
        return watch(new DirectoryWatchSource(protocol, key, options.isRecursive()), options.getFromIndex(),
                options.getErrorHandler(), listener);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when the executor refused the task because the template is closed
     */
    @Override
    public <E> EtcdWatch watch(WatchSource<E> source, long fromIndex, Consumer<Throwable> errorHandler,
            Consumer<E> listener) {
        WatchLoop<E> watch = new WatchLoop<>(source, fromIndex, errorHandler, listener, this.watchBackoff,
                this.watchPollTimeout, this.watches::remove, this.transport, this.clientListener);
        this.watches.add(watch);
        try {
            watch.start(this.executor);
        }
        catch (RejectedExecutionException ex) {
            throw closedOr(ex);
        }
        return watch;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when the executor refused the task because the template is closed
     */
    @Override
    public KeepAliveLoop keepAlive(KeepAliveLoop lease) {
        this.leases.add(lease);
        try {
            lease.start(this.executor);
        }
        catch (RejectedExecutionException ex) {
            throw closedOr(ex);
        }
        return lease;
    }

    @Override
    public void ended(KeepAliveLoop lease) {
        this.leases.remove(lease);
    }

    @Override
    public RequestAborter aborter() {
        return this.transport;
    }

    /** The failure for an executor that refused a task: that the template is closed, when it is. */
    RuntimeException closedOr(RejectedExecutionException refused) {
        return this.transport.isClosed() ? new IllegalStateException("this etcd client is closed", refused) : refused;
    }

    /**
     * Closes the kept-alive leases (revoking them), the watches and the transport, shuts down the executor the template made for itself and releases
     * the connections of the request factories it made itself.
     */
    void close() {
        // Leases first: revoking them needs the transport, and releases what they hold at once.
        List.copyOf(this.leases).forEach(KeepAliveLoop::close);
        List.copyOf(this.watches).forEach(EtcdWatch::close);
        this.transport.close();
        if (this.ownedExecutor != null) {
            this.ownedExecutor.shutdown();
        }
        if (this.ownedFactories instanceof AutoCloseable pool) {
            try {
                pool.close();
            }
            catch (Exception ex) {
                throw new IllegalStateException("Closing the etcd HTTP connection pool failed", ex);
            }
        }
    }
}
