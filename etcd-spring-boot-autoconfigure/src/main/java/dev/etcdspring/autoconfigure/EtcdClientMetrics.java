package dev.etcdspring.autoconfigure;

import java.util.Locale;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdClientListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records what happens inside a template's operations as Micrometer meters: {@code etcd.client.swap.attempts}
 * (a distribution summary, tagged with whether the swap succeeded), {@code etcd.client.watch.reconnects} and
 * {@code etcd.client.watch.resyncs} (counters). Keys are never tags: there may be any number of them.
 *
 * <p>The auto-configured template has one; so does the template of {@code spring.config.import=etcd:}, and a
 * template an application builds itself may be given one ({@code EtcdTemplate.Builder.listener}).
 */
public final class EtcdClientMetrics implements EtcdClientListener {

    private final DistributionSummary swapped;

    private final DistributionSummary gaveUp;

    private final Counter reconnects;

    private final Counter resyncs;

    /**
     * Registers the meters, tagged with the API of the template they are for.
     *
     * @param registry the registry
     * @param api the API the template speaks
     */
    public EtcdClientMetrics(MeterRegistry registry, EtcdApi api) {
        String apiTag = api.name().toLowerCase(Locale.ROOT);
        this.swapped = swapAttempts(registry, apiTag, "SUCCESS");
        this.gaveUp = swapAttempts(registry, apiTag, "FAILURE");
        this.reconnects = Counter.builder("etcd.client.watch.reconnects")
            .description("Requests of watches that failed, each followed by a new one after a backoff")
            .tag("etcd.api", apiTag)
            .register(registry);
        this.resyncs = Counter.builder("etcd.client.watch.resyncs")
            .description("Times a watch fell behind etcd's history and delivered the whole current state instead")
            .tag("etcd.api", apiTag)
            .register(registry);
    }

    private static DistributionSummary swapAttempts(MeterRegistry registry, String api, String outcome) {
        return DistributionSummary.builder("etcd.client.swap.attempts")
            .description("Compare-and-sets each swap tried")
            .baseUnit("attempts")
            .tag("etcd.api", api)
            .tag("outcome", outcome)
            .register(registry);
    }

    @Override
    public void swapFinished(String key, int attempts, boolean swapped) {
        (swapped ? this.swapped : this.gaveUp).record(attempts);
    }

    @Override
    public void watchReconnecting(String key, Throwable cause) {
        this.reconnects.increment();
    }

    @Override
    public void watchResynced(String key, long index) {
        this.resyncs.increment();
    }
}
