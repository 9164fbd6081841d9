package dev.etcdspring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.etcdspring.core.EtcdHealth;
import dev.etcdspring.core.EtcdOperations;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code etcd} health contributor: UP with the version, cluster id, API, endpoint and index when the member says it is
 * healthy and a linearizable read works; DOWN with the reason otherwise, and DOWN when etcd has not answered within
 * the timeout ({@link EtcdOperations#health(Duration)} waits no longer: the template's check goes on in the
 * background on the template's executor, and cannot hold up the health endpoint). Each {@link EtcdHealthDetails} adds
 * its details, whatever the status.
 */
public class EtcdHealthIndicator extends AbstractHealthIndicator {

    private final EtcdOperations etcdOperations;

    private final Duration timeout;

    private final Supplier<List<EtcdHealthDetails>> details;

    /**
     * Creates the indicator.
     *
     * @param etcdOperations the client to check
     * @param timeout the longest time a check may take
     */
    public EtcdHealthIndicator(EtcdOperations etcdOperations, Duration timeout) {
        this(etcdOperations, timeout, List::of);
    }

    /**
     * Creates the indicator with details of its own.
     *
     * @param etcdOperations the client to check
     * @param timeout the longest time a check may take
     * @param details the details to add to each check, read at each check
     */
    public EtcdHealthIndicator(EtcdOperations etcdOperations, Duration timeout,
            Supplier<List<EtcdHealthDetails>> details) {
        super("etcd health check failed");
        this.etcdOperations = etcdOperations;
        this.timeout = timeout;
        this.details = details;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        EtcdHealth health = this.etcdOperations.health(this.timeout);
        builder.status(health.healthy() ? Status.UP : Status.DOWN)
            .withDetail("endpoint", health.endpoint())
            .withDetail("api", health.api());
        if (health.healthy()) {
            builder.withDetail("version", health.serverVersion())
                .withDetail("clusterId", health.clusterId())
                .withDetail("index", health.index());
        }
        else {
            builder.withDetail("error", health.reason());
        }
        for (EtcdHealthDetails more : this.details.get()) {
            Map<String, Object> shown = more.details();
            if (!shown.isEmpty()) {
                builder.withDetail(more.name(), shown);
            }
        }
    }
}
