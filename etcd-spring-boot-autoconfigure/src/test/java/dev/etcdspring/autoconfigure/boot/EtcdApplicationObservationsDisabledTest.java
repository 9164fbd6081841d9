package dev.etcdspring.autoconfigure.boot;

import dev.etcdspring.core.EtcdOperations;
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
 * Spring Boot's switch {@code management.observations.enable.etcd.client.requests=false} turns the timer off; the
 * meters that are not observations stay.
 */
@SpringBootTest(classes = EtcdTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=metrics",
                "management.observations.enable.etcd.client.requests=false" })
@DirtiesContext
class EtcdApplicationObservationsDisabledTest {

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

    @Test
    void noTimerWhenTheObservationIsDisabled() {
        this.etcdOperations.set("/quiet/k", "0");
        this.etcdOperations.swap("/quiet/k", (v) -> "1");
        Actuator actuator = new Actuator(this.port);
        assertThat(actuator.status("/metrics/etcd.client.requests")).isEqualTo(404);
        assertThat(actuator.status("/metrics/etcd.client.swap.attempts")).isEqualTo(200);
    }
}
