package dev.etcdspring.sample;

import java.util.Map;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application against a real etcd: the visit counter lives in etcd.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @DynamicPropertySource
    static void etcdProperties(DynamicPropertyRegistry registry) {
        registry.add("etcd.endpoints", etcd::endpoint);
    }

    @LocalServerPort
    int port;

    @Test
    void visitsAreCountedInEtcd() {
        RestClient http = RestClient.create("http://127.0.0.1:" + this.port);
        ParameterizedTypeReference<Map<String, Object>> json = new ParameterizedTypeReference<>() { };
        assertThat(http.get().uri("/visits").retrieve().body(json)).containsEntry("visits", 0);
        assertThat(http.post().uri("/visits").retrieve().body(json)).containsEntry("visits", 1);
        assertThat(http.post().uri("/visits").retrieve().body(json)).containsEntry("visits", 2);
        assertThat(http.get().uri("/etcd").retrieve().body(json)).containsEntry("api", "V3");
    }
}
