package dev.etcdspring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.etcdspring.core.EtcdHealth;
import dev.etcdspring.core.EtcdTemplate;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code etcd} health contributor: UP with the version, cluster id, API, endpoint and index when the member says it is
 * healthy and a linearizable read works; DOWN with the reason otherwise, and DOWN when etcd has not answered within
 * the timeout (the check goes on in the background, and cannot hold up the health endpoint).
 */
public class EtcdHealthIndicator extends AbstractHealthIndicator {

    private final EtcdTemplate etcdTemplate;

    private final Duration timeout;

    private final Executor executor = (task) -> {
        Thread thread = new Thread(task, "etcd-health");
        thread.setDaemon(true);
        thread.start();
    };

    /**
     * Creates the indicator.
     *
     * @param etcdTemplate the template to check
     * @param timeout the longest time a check may take
     */
    public EtcdHealthIndicator(EtcdTemplate etcdTemplate, Duration timeout) {
        super("etcd health check failed");
        this.etcdTemplate = etcdTemplate;
        this.timeout = timeout;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws InterruptedException, ExecutionException {
        CompletableFuture<EtcdHealth> check = CompletableFuture.supplyAsync(() -> this.etcdTemplate.health(this.timeout),
                this.executor);
        EtcdHealth health;
        try {
            health = check.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            builder.down()
                .withDetail("endpoint", this.etcdTemplate.currentEndpoint())
                .withDetail("api", this.etcdTemplate.api())
                .withDetail("error", "etcd did not answer within " + this.timeout);
            return;
        }
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
    }
}
