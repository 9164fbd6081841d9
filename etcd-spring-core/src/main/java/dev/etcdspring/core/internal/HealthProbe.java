package dev.etcdspring.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdHealth;
import dev.etcdspring.core.EtcdVersion;

import org.springframework.http.HttpMethod;

/**
 * The health check of a template: the member's own {@code /health}, then a linearizable read (which needs a leader
 * and a quorum) and the version, run on the template's executor and waited for at most its timeout.
 */
public final class HealthProbe {

    /** The key the health check reads: hidden on v2, and harmless to read wherever it exists. */
    private static final String PROBE_KEY = "/_etcd-spring-boot-health";

    /** The name of the thread while it checks. */
    private static final String THREAD_NAME = "etcd-health";

    private final HttpTransport transport;

    private final EtcdProtocol protocol;

    private final Executor executor;

    /**
     * Creates the probe.
     *
     * @param transport the transport to the members
     * @param protocol the protocol of the template
     * @param executor runs the checks
     */
    public HealthProbe(HttpTransport transport, EtcdProtocol protocol, Executor executor) {
        this.transport = transport;
        this.protocol = protocol;
        this.executor = executor;
    }

    /**
     * Checks on the executor, and waits at most {@code timeout}: a check that has not ended by then goes on in the
     * background (each of its requests bounded by the timeout too), and the answer is unhealthy.
     *
     * @param timeout how long to wait, and how long each request may take
     * @return what the check found; unhealthy when it did not end in time
     * @throws java.util.concurrent.RejectedExecutionException when the executor does not take the check
     */
    public EtcdHealth check(Duration timeout) {
        CompletableFuture<EtcdHealth> result = new CompletableFuture<>();
        this.executor.execute(() -> BackgroundWork.runNamed(THREAD_NAME, () -> {
            try {
                result.complete(checkNow(timeout));
            }
            catch (RuntimeException | Error ex) {
                result.completeExceptionally(ex);
            }
        }));
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            return down(this.transport.preferredEndpoint(), "etcd did not answer within " + timeout);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return down(this.transport.preferredEndpoint(), "the health check was interrupted");
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) ex.getCause();
        }
    }

    /** The check itself, in the calling thread. */
    private EtcdHealth checkNow(Duration timeout) {
        String endpoint = this.transport.preferredEndpoint();
        try {
            HttpAnswer answer = this.transport.execute(HttpCall.of(HttpMethod.GET, "/health", true, timeout, null));
            endpoint = answer.endpoint();
            String body = new String(answer.body(), StandardCharsets.UTF_8).replace(" ", "");
            if (!answer.isSuccess() || !body.contains("\"health\":\"true\"")) {
                return down(endpoint, "etcd at " + endpoint + " says it is not healthy: HTTP " + answer.status() + " "
                        + answer.bodySnippet());
            }
            // A linearizable read of a key nobody needs to have: it works only with a leader and a quorum.
            ReadPosition position = this.protocol.position(PROBE_KEY, timeout);
            EtcdVersion version = ServerVersion.read(this.transport, timeout);
            return new EtcdHealth(true, endpoint, api(), version.server(), position.index(), position.clusterId(),
                    null);
        }
        catch (EtcdException ex) {
            return down(endpoint, ex.getMessage());
        }
    }

    private EtcdHealth down(String endpoint, String reason) {
        return new EtcdHealth(false, endpoint, api(), null, 0, null, reason);
    }

    private EtcdApi api() {
        return this.protocol.api();
    }
}
