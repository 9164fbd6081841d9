package dev.etcdspring.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.WatchOptions;
import dev.etcdspring.core.observation.DefaultEtcdObservationConvention;
import dev.etcdspring.core.observation.EtcdObservationContext;
import dev.etcdspring.core.observation.EtcdObservationConvention;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The observations and meters of the auto-configured template, after real calls to a real etcd: one
 * {@code etcd.client.requests} observation per operation, swap attempts, watch reconnects and resyncs.
 */
class EtcdObservationTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EtcdAutoConfiguration.class))
        .withPropertyValues("etcd.endpoints=" + etcd.endpoint());

    /** An observation registry that turns observations into timers, as Spring Boot's does. */
    private static ObservationRegistry timing(MeterRegistry meters) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        return registry;
    }

    @Test
    void eachOperationIsOneTimedObservationTaggedWithTheOperation() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        this.runner.withBean(MeterRegistry.class, () -> meters)
            .withBean(ObservationRegistry.class, () -> timing(meters))
            .run((context) -> {
                EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                etcdTemplate.set("/obs/a", "1");
                etcdTemplate.get("/obs/a");
                etcdTemplate.get("/obs/a");
                assertThat(etcdTemplate.get("/obs/missing")).isNull();
                assertThat(etcdTemplate.compareAndSet("/obs/a", "1", "2")).isTrue();
                assertThat(etcdTemplate.compareAndSet("/obs/a", "1", "3")).isFalse();
                etcdTemplate.getTree("/obs");
                etcdTemplate.swap("/obs/a", (v) -> v + "!");
                etcdTemplate.createInOrder("/obs/queue", "job");
                etcdTemplate.delete("/obs/a");
                assertThatExceptionOfType(dev.etcdspring.core.EtcdKeyNotFoundException.class)
                    .isThrownBy(() -> etcdTemplate.delete("/obs/a"));
                assertThatExceptionOfType(IllegalArgumentException.class)
                    .isThrownBy(() -> etcdTemplate.set("/obs/../x", "v"));

                assertThat(timer(meters, "set", "SUCCESS", "none").count()).isEqualTo(1);
                assertThat(timer(meters, "get", "SUCCESS", "none").count()).isEqualTo(2);
                assertThat(timer(meters, "get", "SUCCESS", "100").count()).as("a get that found nothing").isEqualTo(1);
                assertThat(timer(meters, "cas", "SUCCESS", "none").count()).isEqualTo(1);
                assertThat(timer(meters, "cas", "SUCCESS", "101").count()).as("a cas that returned false")
                    .isEqualTo(1);
                assertThat(timer(meters, "tree", "SUCCESS", "none").count()).isEqualTo(1);
                assertThat(timer(meters, "swap", "SUCCESS", "none").count()).isEqualTo(1);
                assertThat(timer(meters, "create", "SUCCESS", "none").count()).isEqualTo(1);
                assertThat(timer(meters, "delete", "SUCCESS", "none").count()).isEqualTo(1);
                assertThat(timer(meters, "delete", "ETCD_ERROR", "100").count()).isEqualTo(1);
                assertThat(timer(meters, "set", "CLIENT_ERROR", "none").count()).isEqualTo(1);
                // The key is never a tag: a timer per key would grow without bound.
                assertThat(meters.find(DefaultEtcdObservationConvention.NAME).meters())
                    .allSatisfy((meter) -> assertThat(meter.getId().getTag("etcd.key")).isNull())
                    .allSatisfy((meter) -> assertThat(meter.getId().getTag("etcd.api")).isEqualTo("v3"));
                assertThat(timer(meters, "set", "SUCCESS", "none").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                    .isPositive();
            });
    }

    private static Timer timer(MeterRegistry meters, String operation, String outcome, String errorCode) {
        Timer timer = meters.find(DefaultEtcdObservationConvention.NAME)
            .tag("etcd.operation", operation)
            .tag("outcome", outcome)
            .tag("etcd.error.code", errorCode)
            .timer();
        assertThat(timer).as("timer for %s %s %s", operation, outcome, errorCode).isNotNull();
        return timer;
    }

    @Test
    void theKeyIsAHighCardinalityValueAndTheConventionNamesTheContext() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        this.runner.withBean(ObservationRegistry.class, () -> observations).run((context) -> {
            context.getBean(EtcdTemplate.class).set("/obs/high", "v");
            io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(observations)
                .hasObservationWithNameEqualTo("etcd.client.requests")
                .that()
                .hasContextualNameEqualTo("etcd set")
                .hasLowCardinalityKeyValue("etcd.operation", "set")
                .hasLowCardinalityKeyValue("etcd.api", "v3")
                .hasLowCardinalityKeyValue("outcome", "SUCCESS")
                .hasHighCardinalityKeyValue("etcd.key", "/obs/high")
                .doesNotHaveLowCardinalityKeyValueWithKey("etcd.key")
                .hasBeenStarted()
                .hasBeenStopped();
        });
    }

    @Test
    void anApplicationConventionReplacesTheDefault() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        EtcdObservationConvention tenants = new DefaultEtcdObservationConvention() {
            @Override
            public KeyValues getLowCardinalityKeyValues(EtcdObservationContext context) {
                String tenant = context.getKey().split("/")[1];
                return super.getLowCardinalityKeyValues(context).and("tenant", tenant);
            }
        };
        this.runner.withBean(ObservationRegistry.class, () -> observations)
            .withBean(EtcdObservationConvention.class, () -> tenants)
            .run((context) -> {
                context.getBean(EtcdTemplate.class).set("/acme/settings", "v");
                io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("etcd.client.requests")
                    .that()
                    .hasLowCardinalityKeyValue("tenant", "acme")
                    .hasLowCardinalityKeyValue("etcd.operation", "set");
            });
    }

    @Test
    void withoutAnObservationRegistryNothingIsTimedButTheMetersStillCount() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        this.runner.withBean(MeterRegistry.class, () -> meters).run((context) -> {
            context.getBean(EtcdTemplate.class).set("/obs/plain", "1");
            context.getBean(EtcdTemplate.class).swap("/obs/plain", (v) -> "2");
            assertThat(meters.find(DefaultEtcdObservationConvention.NAME).meters()).isEmpty();
            assertThat(meters.get("etcd.client.swap.attempts").tag("outcome", "SUCCESS").summary().count())
                .isEqualTo(1);
        });
    }

    @Test
    void swapAttemptsAreADistributionSummary() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        this.runner.withBean(MeterRegistry.class, () -> meters).run((context) -> {
            EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
            etcdTemplate.set("/obs/counter", "0");
            etcdTemplate.swap("/obs/counter", (v) -> Integer.toString(Integer.parseInt(v) + 1));
            // A writer that gets in between the swap's read and its compare-and-set, once: two attempts.
            boolean[] interfered = new boolean[1];
            etcdTemplate.swap("/obs/counter", (v) -> {
                if (!interfered[0]) {
                    interfered[0] = true;
                    etcdTemplate.set("/obs/counter", "10");
                }
                return Integer.toString(Integer.parseInt(v) + 1);
            });
            assertThat(etcdTemplate.get("/obs/counter")).isEqualTo("11");
            var summary = meters.get("etcd.client.swap.attempts").tag("outcome", "SUCCESS").summary();
            assertThat(summary.count()).isEqualTo(2);
            assertThat(summary.totalAmount()).isEqualTo(3.0);
            assertThat(summary.max()).isEqualTo(2.0);
        });
    }

    @Test
    void aSwapThatGivesUpIsCountedAsAFailure() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        this.runner.withBean(MeterRegistry.class, () -> meters).withPropertyValues("etcd.swap.max-attempts=3")
            .run((context) -> {
                EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                etcdTemplate.set("/obs/contended", "0");
                int[] n = new int[1];
                assertThatExceptionOfType(dev.etcdspring.core.EtcdSwapExhaustedException.class)
                    .isThrownBy(() -> etcdTemplate.swap("/obs/contended", (v) -> {
                        etcdTemplate.set("/obs/contended", "other " + n[0]++);
                        return "mine";
                    }));
                var summary = meters.get("etcd.client.swap.attempts").tag("outcome", "FAILURE").summary();
                assertThat(summary.count()).isEqualTo(1);
                assertThat(summary.totalAmount()).isEqualTo(3.0);
            });
    }

    @Test
    void watchReconnectsAndResyncsAreCounted() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TcpProxy link = TcpProxy.to(etcd.endpoint())) {
            this.runner.withBean(MeterRegistry.class, () -> meters)
                .withPropertyValues("etcd.endpoints=" + link.url(), "etcd.watch.initial-backoff=20ms",
                        "etcd.watch.max-backoff=100ms")
                .run((context) -> {
                    EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                    java.util.List<String> actions = new java.util.concurrent.CopyOnWriteArrayList<>();
                    etcdTemplate.set("/obs/watched/a", "1");
                    try (EtcdWatch watch = etcdTemplate.watch("/obs/watched",
                            WatchOptions.defaults().recursive(true), (event) -> actions.add(event.action()))) {
                        etcdTemplate.set("/obs/watched/b", "2");
                        await().atMost(Duration.ofSeconds(10)).until(() -> actions.size() == 1);
                        assertThat(meters.get("etcd.client.watch.reconnects").counter().count()).isZero();
                        link.cut();
                        await().atMost(Duration.ofSeconds(10))
                            .until(() -> meters.get("etcd.client.watch.reconnects").counter().count() >= 2);
                        // While the link is down, the history the watch would resume from is compacted away
                        // (etcd refuses a watch from before the compaction's revision, not from it: two writes).
                        writeDirectly("/obs/elsewhere", "x");
                        long revision = writeDirectly("/obs/elsewhere", "y");
                        compact(revision);
                        link.restore();
                        await().atMost(Duration.ofSeconds(10)).until(() -> actions.contains("resync"));
                        assertThat(meters.get("etcd.client.watch.resyncs").counter().count()).isEqualTo(1);
                    }
                });
        }
    }

    private static long writeDirectly(String key, String value) {
        try (EtcdTemplate direct = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            return direct.set(key, value).etcdIndex();
        }
    }

    private static void compact(long revision) throws Exception {
        HttpResponse<String> compacted = HttpClient.newHttpClient().send(HttpRequest
            .newBuilder(URI.create(etcd.endpoint() + "/v3/kv/compaction"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"revision\":\"" + revision + "\",\"physical\":true}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(compacted.statusCode()).isEqualTo(200);
    }
}
