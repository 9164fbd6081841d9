package dev.etcdspring.core.lease;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.observation.EtcdObservationContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.web.client.RestClient;

/**
 * What a template's lease operations did, seen from outside: each {@code keep-alive} observation (started, in
 * flight, acknowledged or failed, and when), each {@code revoke}, and each HTTP request to
 * {@code /v3/lease/keepalive} with its body. It tells nothing to the template; it only counts.
 */
final class LeaseProbe {

    final AtomicInteger renewalsStarted = new AtomicInteger();

    final AtomicInteger renewalsInFlight = new AtomicInteger();

    final AtomicInteger renewalsAcknowledged = new AtomicInteger();

    /** When a renewal failed, by {@link System#nanoTime()}. */
    final List<Long> renewalFailures = new CopyOnWriteArrayList<>();

    final AtomicInteger revocations = new AtomicInteger();

    /** The bodies of the HTTP requests to {@code /v3/lease/keepalive}, one per request. */
    final List<String> keepAliveRequests = new CopyOnWriteArrayList<>();

    /**
     * A template builder for the endpoints, observed and intercepted by this probe.
     *
     * @param endpoints the endpoints
     * @return the builder
     */
    EtcdTemplate.Builder template(String... endpoints) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof EtcdObservationContext;
            }

            @Override
            public void onStart(Observation.Context context) {
                if (operation(context).equals("keep-alive")) {
                    LeaseProbe.this.renewalsStarted.incrementAndGet();
                    LeaseProbe.this.renewalsInFlight.incrementAndGet();
                }
                else if (operation(context).equals("revoke")) {
                    LeaseProbe.this.revocations.incrementAndGet();
                }
            }

            @Override
            public void onStop(Observation.Context context) {
                if (operation(context).equals("keep-alive")) {
                    if (context.getError() != null) {
                        LeaseProbe.this.renewalFailures.add(System.nanoTime());
                    }
                    else {
                        LeaseProbe.this.renewalsAcknowledged.incrementAndGet();
                    }
                    LeaseProbe.this.renewalsInFlight.decrementAndGet();
                }
            }
        });
        RestClient.Builder restClient = RestClient.builder().requestInterceptor((request, body, execution) -> {
            if (request.getURI().getPath().equals("/v3/lease/keepalive")) {
                this.keepAliveRequests.add(new String(body, StandardCharsets.UTF_8));
            }
            return execution.execute(request, body);
        });
        return EtcdTemplate.builder().endpoints(endpoints).observationRegistry(registry)
            .restClientBuilder(restClient);
    }

    private static String operation(Observation.Context context) {
        return ((EtcdObservationContext) context).getOperation();
    }

    /**
     * Whether a live thread has the name a lease's keep-alive gives its thread.
     *
     * @param id the lease
     * @return whether one runs now
     */
    static boolean keepAliveThreadRuns(long id) {
        String name = "etcd-keepalive " + Long.toHexString(id);
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch((thread) -> thread.isAlive() && thread.getName().equals(name));
    }
}
