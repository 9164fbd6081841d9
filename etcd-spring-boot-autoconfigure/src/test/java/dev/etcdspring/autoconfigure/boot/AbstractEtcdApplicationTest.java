package dev.etcdspring.autoconfigure.boot;

import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole Spring Boot web application with actuator and the etcd auto-configuration, against a real etcd: the
 * injected template works, every operation is timed as {@code etcd.client.requests} tagged with the operation, and
 * the {@code etcd} health contributor is UP with its details. Subclasses choose the API.
 */
@SpringBootTest(classes = EtcdTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=health,metrics",
                "management.endpoint.health.show-details=always" })
@DirtiesContext
abstract class AbstractEtcdApplicationTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @DynamicPropertySource
    static void etcdProperties(DynamicPropertyRegistry registry) {
        registry.add("etcd.endpoints", etcd::endpoint);
    }

    @Autowired
    EtcdOperations etcdOperations;

    @LocalServerPort
    int port;

    abstract EtcdApi api();

    @Test
    void theInjectedTemplateWorks() {
        assertThat(this.etcdOperations).isInstanceOf(EtcdTemplate.class);
        assertThat(this.etcdOperations.api()).isEqualTo(api());
        this.etcdOperations.set("/app/config/greeting", "hello");
        assertThat(this.etcdOperations.get("/app/config/greeting")).isEqualTo("hello");
        assertThat(this.etcdOperations.compareAndSet("/app/config/greeting", "hello", "hi")).isTrue();
        assertThat(this.etcdOperations.getTree("/app/config")).isEqualTo(Map.of("greeting", "hi"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachOperationIsTimedAndTaggedWithIt() {
        this.etcdOperations.set("/app/timed", "0");
        this.etcdOperations.get("/app/timed");
        this.etcdOperations.swap("/app/timed", (v) -> "1");
        Actuator actuator = new Actuator(this.port);

        Map<String, Object> timer = actuator.json("/metrics/etcd.client.requests");
        List<Map<String, Object>> tags = (List<Map<String, Object>>) timer.get("availableTags");
        assertThat(tags).anySatisfy((tag) -> {
            assertThat(tag).containsEntry("tag", "etcd.operation");
            assertThat((List<String>) tag.get("values")).contains("set", "get", "swap");
        });
        assertThat(tags).anySatisfy((tag) -> assertThat(tag).containsEntry("tag", "etcd.api")
            .containsEntry("values", List.of(api().name().toLowerCase(java.util.Locale.ROOT))));
        assertThat(tags).noneSatisfy((tag) -> assertThat(tag).containsEntry("tag", "etcd.key"));

        Map<String, Object> swaps = actuator.json("/metrics/etcd.client.requests?tag=etcd.operation:swap");
        assertThat((List<Map<String, Object>>) swaps.get("measurements"))
            .anySatisfy((m) -> assertThat(m).containsEntry("statistic", "COUNT").containsEntry("value", 1.0));
        Map<String, Object> attempts = actuator.json("/metrics/etcd.client.swap.attempts");
        assertThat((List<Map<String, Object>>) attempts.get("measurements"))
            .anySatisfy((m) -> assertThat(m).containsEntry("statistic", "COUNT").containsEntry("value", 1.0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthIsUpWithTheServersDetails() {
        Map<String, Object> health = new Actuator(this.port).json("/health/etcd");
        assertThat(health).containsEntry("status", "UP");
        Map<String, Object> details = (Map<String, Object>) health.get("details");
        assertThat(details).containsEntry("endpoint", etcd.endpoint())
            .containsEntry("api", api().name())
            .containsKeys("version", "clusterId", "index");
        assertThat((String) details.get("version")).startsWith("3.");
    }
}
