package dev.etcdspring.autoconfigure.boot;

import java.util.Map;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's health over HTTP: UP while etcd runs, DOWN with the reason once its process is killed, and the
 * application's own health DOWN with it.
 */
@SpringBootTest(classes = EtcdTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoint.health.show-details=always", "etcd.health.timeout=2s" })
@DirtiesContext
class EtcdApplicationHealthTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @DynamicPropertySource
    static void etcdProperties(DynamicPropertyRegistry registry) {
        registry.add("etcd.endpoints", etcd::endpoint);
    }

    @LocalServerPort
    int port;

    @Test
    @SuppressWarnings("unchecked")
    void upThenDownOnceEtcdIsKilled() {
        Actuator actuator = new Actuator(this.port);
        assertThat(actuator.json("/health/etcd")).containsEntry("status", "UP");
        assertThat(actuator.status("/health")).isEqualTo(200);

        etcd.cluster().member(0).kill();

        Map<String, Object> down = actuator.json("/health/etcd");
        assertThat(down).containsEntry("status", "DOWN");
        assertThat((Map<String, Object>) down.get("details")).containsEntry("endpoint", etcd.endpoint())
            .hasEntrySatisfying("error", (error) -> assertThat((String) error).contains(etcd.endpoint()));
        assertThat(actuator.status("/health")).isEqualTo(503);
    }
}
