// One job: sending HttpCalls to etcd's endpoints with failover: which endpoint next, whether a call may be sent
// again, and one RestClient per timeout. What a failure means and says is TransportFailures'.
package dev.etcdspring.core.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTransportException;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Sends {@link HttpCall}s to a list of etcd endpoints through {@link RestClient}, with failover.
 *
 * <p>A call goes first to the endpoint that answered last. A call that could not connect goes to the next
 * endpoint (it certainly did not reach a server). After any other transport failure a read goes to the next
 * endpoint too (or again to the only one), but a write does not: it may have been applied, so it fails with
 * {@link EtcdException#isOutcomeUnknown()} set rather than risk applying it twice. HTTP error statuses are
 * answers, returned for the protocol to translate; a 5xx answer (a member without quorum or leader) also moves
 * the next call to the next endpoint, and sends a read there at once.
 *
 * <p>A timeout is a property of the HTTP client, so there is one {@link RestClient} per distinct timeout,
 * built from the caller's builder and a request factory made for that timeout. {@link TransportFailures} tells
 * which failures left a request unsent, and words the exceptions.
 */
public final class HttpTransport implements RequestAborter {

    private static final Logger logger = LoggerFactory.getLogger(HttpTransport.class);

    /** Answers up to this size are read into an array of their announced length; larger ones in chunks. */
    private static final long MAX_EXACT_BODY = 16L * 1024 * 1024;

    /** Distinct per-call timeouts beyond this many get a client each time rather than a cached one. */
    private static final int MAX_CACHED_CLIENTS = 32;

    private final List<String> endpoints;

    private final RestClient.Builder builder;

    private final Function<Duration, ClientHttpRequestFactory> requestFactories;

    private final Duration defaultTimeout;

    private final Map<Duration, RestClient> clients = new ConcurrentHashMap<>();

    private final Map<Duration, RestClient> streamClients = new ConcurrentHashMap<>();

    private final AtomicInteger preferred = new AtomicInteger();

    /**
     * The threads whose requests were {@link #abort(Thread) aborted} (a watch or keep-alive closing), until they are
     * tracked again or forgotten: a stream that breaks on such a thread was ended by this client, not by its server.
     */
    private final Set<Thread> aborted = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    /**
     * Creates a transport.
     *
     * @param endpoints the base URLs of the endpoints, without a trailing {@code /}
     * @param builder the builder to derive clients from; it is cloned, not changed
     * @param requestFactories makes the request factory for a timeout
     * @param defaultTimeout the timeout of calls that name none
     */
    public HttpTransport(List<String> endpoints, RestClient.Builder builder,
            Function<Duration, ClientHttpRequestFactory> requestFactories, Duration defaultTimeout) {
        this.endpoints = List.copyOf(endpoints);
        this.builder = builder.clone();
        this.requestFactories = requestFactories;
        this.defaultTimeout = defaultTimeout;
    }

    /**
     * The endpoints, in the order given.
     *
     * @return the endpoint base URLs
     */
    public List<String> endpoints() {
        return this.endpoints;
    }

    /**
     * The endpoint the next call goes to first: the one that answered last.
     *
     * @return an endpoint base URL
     */
    public String preferredEndpoint() {
        return this.endpoints.get(this.preferred.get());
    }

    /**
     * Sends a call and returns the first complete answer, whatever its status.
     *
     * @param call the call
     * @return the answer
     * @throws EtcdTransportException if no endpoint answered
     */
    public HttpAnswer execute(HttpCall call) {
        Duration timeout = (call.timeout() != null) ? call.timeout() : this.defaultTimeout;
        return failover(call, clientFor(timeout), REQUEST);
    }

    /**
     * Sends a long-lived read (a watch) and hands the answer's body, as it arrives, to {@code handler}, which reads
     * it until it ends or fails. A call that fails before an answer goes to the next endpoint (or again to the only
     * one); a failure while the answer is read is thrown, for the watch to resume from where it got to: a
     * {@link PollTimeout} when the call outlived its timeout without a failure of the server's.
     *
     * @param call the call; its timeout bounds the whole exchange
     * @param handler reads the answer
     * @param <T> what the handler returns
     * @return what the handler returned
     * @throws EtcdTransportException if no endpoint could be reached, or the exchange failed
     * @throws PollTimeout if the exchange outlived its timeout
     */
    public <T> T stream(HttpCall call, StreamHandler<T> handler) {
        Duration timeout = (call.timeout() != null) ? call.timeout() : this.defaultTimeout;
        RestClient client = this.streamClients.computeIfAbsent(timeout, this::newStreamClient);
        return failover(call, client, new Exchange<T>(true) {
            @Override
            T attempt(RestClient restClient, String endpoint, int index, HttpCall streamed) {
                boolean[] answered = new boolean[1];
                try {
                    return request(restClient, endpoint, streamed).exchange((req, response) -> {
                        answered[0] = true;
                        return handler.handle(endpoint, response.getStatusCode().value(),
                                HttpHeaders.copyOf(response.getHeaders()), response.getBody());
                    });
                }
                catch (ResourceAccessException ex) {
                    if (TransportFailures.timedOut(ex)) {
                        throw new PollTimeout(ex);
                    }
                    if (answered[0]) {
                        // The next attempt starts at the next endpoint: this one may be the trouble. Unless the
                        // stream broke because this client closed it, which says nothing about the endpoint.
                        if (!HttpTransport.this.aborted.contains(Thread.currentThread())) {
                            HttpTransport.this.preferred.compareAndSet(index, next(index));
                        }
                        throw TransportFailures.broke(streamed, endpoint, ex);
                    }
                    throw ex;
                }
            }
        });
    }

    /**
     * One kind of exchange with an endpoint, as the failover loop makes it: a request read whole, or a stream.
     *
     * @param <T> what an exchange returns
     */
    private abstract static class Exchange<T> {

        /**
         * Whether this is a long-lived read: it gets a second try even on a single endpoint and even if it is not
         * idempotent (it changes nothing), and fails while its answer is read rather than go on.
         */
        final boolean stream;

        Exchange(boolean stream) {
            this.stream = stream;
        }

        /**
         * One attempt at one endpoint.
         *
         * @throws ResourceAccessException when it failed before an answer, for the loop to decide what next
         */
        abstract T attempt(RestClient client, String endpoint, int index, HttpCall call);

        /** The HTTP status of a result, for the rule on 5xx answers; 0 when it has none to apply it to. */
        int status(T result) {
            return 0;
        }
    }

    /** A request whose answer is read whole. */
    private static final Exchange<HttpAnswer> REQUEST = new Exchange<>(false) {

        @Override
        HttpAnswer attempt(RestClient client, String endpoint, int index, HttpCall call) {
            return send(client, endpoint, call);
        }

        @Override
        int status(HttpAnswer answer) {
            return answer.status();
        }
    };

    /**
     * The failover loop: tries the endpoints from the preferred one on, and returns the first result, as the class
     * comment says. A read (and a stream) gets a second try on a single endpoint: a kept-alive connection the
     * server closed (after a restart, say) fails once, and the retry opens a new one; not after a timeout, which
     * that would double.
     */
    private <T> T failover(HttpCall call, RestClient client, Exchange<T> exchange) {
        int first = this.preferred.get();
        List<String> failures = new ArrayList<>();
        RuntimeException last = null;
        boolean retried = call.idempotent() || exchange.stream;
        int attempts = retried ? Math.max(2, this.endpoints.size()) : this.endpoints.size();
        for (int i = 0; i < attempts; i++) {
            if (this.closed) {
                throw new IllegalStateException("this etcd client is closed");
            }
            int index = (first + i) % this.endpoints.size();
            String endpoint = this.endpoints.get(index);
            try {
                T result = exchange.attempt(client, endpoint, index, call);
                int status = exchange.status(result);
                if (status >= 500) {
                    // The member answered but cannot serve (no quorum, no leader): the next call starts
                    // elsewhere, and a read goes on to the next endpoint now. A write is not repeated.
                    this.preferred.compareAndSet(index, next(index));
                    failures.add(endpoint + " (HTTP " + status + ")");
                    if (call.idempotent() && i + 1 < this.endpoints.size()) {
                        logger.debug("etcd endpoint {} answered {} with HTTP {}; trying the next", endpoint,
                                call.describe(), status);
                        continue;
                    }
                    return result;
                }
                if (index != first) {
                    this.preferred.set(index);
                    if (!exchange.stream) {
                        logger.info("etcd endpoint {} answered after {} failed; using it from now on", endpoint,
                                failures);
                    }
                }
                return result;
            }
            catch (ResourceAccessException ex) {
                last = ex;
                failures.add(endpoint + " (" + TransportFailures.describe(ex) + ")");
                if (!exchange.stream && !call.idempotent() && !TransportFailures.neverSent(ex)) {
                    throw TransportFailures.outcomeUnknown(call, endpoint, ex);
                }
                if (this.endpoints.size() == 1 && TransportFailures.timedOut(ex)) {
                    break;
                }
                logger.debug("etcd endpoint {} failed {}; trying {}", endpoint, call.describe(),
                        (this.endpoints.size() > 1) ? "the next" : "again", ex);
            }
        }
        throw TransportFailures.noneAnswered(call, failures, call.idempotent() || exchange.stream, last);
    }

    private int next(int index) {
        return (index + 1) % this.endpoints.size();
    }

    /**
     * Reads a streamed answer.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface StreamHandler<T> {

        /**
         * Reads the answer, blocking until it ends.
         *
         * @param endpoint the endpoint that answered
         * @param status the HTTP status
         * @param headers the headers
         * @param body the body, as it arrives
         * @return the result
         * @throws java.io.IOException when reading fails
         */
        T handle(String endpoint, int status, HttpHeaders headers, java.io.InputStream body) throws java.io.IOException;
    }

    @Override
    public void track(Thread thread) {
        this.aborted.remove(thread);
        if (this.requestFactories instanceof RequestAborter aborter) {
            aborter.track(thread);
        }
    }

    /** Remembers the thread as aborted before its request is, so that its broken stream is known for the client's. */
    @Override
    public void abort(Thread thread) {
        this.aborted.add(thread);
        if (this.requestFactories instanceof RequestAborter aborter) {
            aborter.abort(thread);
        }
    }

    @Override
    public void untrack(Thread thread) {
        this.aborted.remove(thread);
        if (this.requestFactories instanceof RequestAborter aborter) {
            aborter.untrack(thread);
        }
    }

    /**
     * Stops using the transport: later calls fail with {@link IllegalStateException}. Whoever made the request
     * factories closes them.
     */
    public void close() {
        this.closed = true;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return whether the transport is closed
     */
    public boolean isClosed() {
        return this.closed;
    }

    private static HttpAnswer send(RestClient client, String endpoint, HttpCall call) {
        return request(client, endpoint, call).exchange((req, response) -> {
            HttpHeaders headers = response.getHeaders();
            // Read to the announced length in one exact array: readAllBytes would start with 16 KB for a 200-byte
            // answer, on every request.
            long length = headers.getContentLength();
            byte[] body = (length >= 0 && length <= MAX_EXACT_BODY) ? response.getBody().readNBytes((int) length)
                    : response.getBody().readAllBytes();
            return HttpAnswer.of(endpoint, response.getStatusCode().value(), headers, body);
        });
    }

    private static RestClient.RequestBodySpec request(RestClient client, String endpoint, HttpCall call) {
        RestClient.RequestBodySpec request = client.method(call.method())
            .uri(URI.create(endpoint + call.pathAndQuery()))
            .header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
        if (call.authorization() != null) {
            request.header(HttpHeaders.AUTHORIZATION, call.authorization());
        }
        if (call.body() != null) {
            request.contentType(call.contentType()).body(call.body());
        }
        return request;
    }

    private RestClient clientFor(Duration timeout) {
        RestClient client = this.clients.get(timeout);
        if (client != null) {
            return client;
        }
        if (this.clients.size() >= MAX_CACHED_CLIENTS) {
            return newClient(timeout);
        }
        return this.clients.computeIfAbsent(timeout, this::newClient);
    }

    private RestClient newClient(Duration timeout) {
        return this.builder.clone().requestFactory(this.requestFactories.apply(timeout)).build();
    }

    /**
     * A client for long-lived reads, without the caller's observation registry: a watch's long poll is not a slow
     * request, and would only make minute-long HTTP client timers.
     */
    private RestClient newStreamClient(Duration timeout) {
        return this.builder.clone()
            .requestFactory(this.requestFactories.apply(timeout))
            .observationRegistry(ObservationRegistry.NOOP)
            .build();
    }
}
