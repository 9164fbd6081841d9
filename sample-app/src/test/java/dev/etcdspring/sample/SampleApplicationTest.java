package dev.etcdspring.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application end to end against a real etcd: its configuration comes from etcd and follows it, visits are
 * counted in etcd without losing one under concurrency, and its actuator shows the etcd health and timer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SampleApplicationTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    /**
     * A system property, not a {@code @DynamicPropertySource}: the configuration import runs while the environment is
     * prepared, before the test framework adds its dynamic properties, and its client serves the application too.
     */
    @BeforeAll
    static void configurationInEtcd() {
        System.setProperty("etcd.endpoints", etcd.endpoint());
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            etcdTemplate.set("/config/sample-app/sample/greeting", "Hello from etcd");
            etcdTemplate.set("/config/sample-app/sample/features/new-checkout", "true");
        }
    }

    @AfterAll
    static void forgetTheEndpoint() {
        System.clearProperty("etcd.endpoints");
    }

    @LocalServerPort
    int port;

    private RestClient http() {
        return RestClient.builder()
            .baseUrl("http://127.0.0.1:" + this.port)
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build();
    }

    @Test
    void theGreetingComesFromEtcdAndFollowsIt() {
        RestClient http = http();
        assertThat(http.get().uri("/greeting").retrieve().body(JSON)).containsEntry("greeting", "Hello from etcd");
        assertThat(http.get().uri("/api/state").retrieve().body(JSON)).containsEntry("features",
                Map.of("new-checkout", true));
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            etcdTemplate.set("/config/sample-app/sample/greeting", "Changed in etcd");
            await().atMost(Duration.ofSeconds(10))
                .until(() -> "Changed in etcd".equals(http.get().uri("/greeting").retrieve().body(JSON).get("greeting")));
            etcdTemplate.delete("/config/sample-app/sample/greeting");
            await().atMost(Duration.ofSeconds(10))
                .until(() -> "hello".equals(http.get().uri("/greeting").retrieve().body(JSON).get("greeting")));
        }
    }

    @Test
    void fiftyConcurrentVisitsAddExactlyFifty() throws Exception {
        RestClient http = http();
        long before = ((Number) http.get().uri("/visits").retrieve().body(JSON).get("visits")).longValue();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Callable<Object>> visits = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                visits.add(() -> http.post().uri("/visits").retrieve().body(JSON).get("visits"));
            }
            List<Long> answers = new ArrayList<>();
            for (Future<Object> answer : pool.invokeAll(visits)) {
                answers.add(((Number) answer.get()).longValue());
            }
            assertThat(answers).as("each visit got its own count").doesNotHaveDuplicates()
                .allSatisfy((n) -> assertThat(n).isBetween(before + 1, before + 50));
        }
        finally {
            pool.shutdown();
        }
        assertThat(http.get().uri("/visits").retrieve().body(JSON)).containsEntry("visits", (int) (before + 50));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOnlyInstanceLeadsAndRunsTheJob() {
        RestClient http = http();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Map<String, Object> leader = http.get().uri("/api/leader").retrieve().body(JSON);
            String instance = (String) leader.get("instance");
            assertThat(instance).as("the default id, <host>:<port>").endsWith(":" + this.port);
            assertThat(leader).containsEntry("leading", true);
            assertThat((Map<String, Object>) leader.get("leader")).containsEntry("instance", instance);
            Map<String, Object> job = (Map<String, Object>) leader.get("job");
            assertThat(((Number) job.get("runs")).longValue()).isPositive();
            assertThat((Map<String, Object>) job.get("last")).containsEntry("instance", instance);
        });
        assertThat((Map<String, Object>) http.get().uri("/api/state").retrieve().body(JSON).get("leader"))
            .containsEntry("leading", true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theActuatorShowsEtcdHealthAndTheTimer() {
        RestClient http = http();
        http.get().uri("/greeting").retrieve().body(JSON);
        http.post().uri("/visits").retrieve().body(JSON);
        Map<String, Object> health = http.get().uri("/actuator/health/etcd").retrieve().body(JSON);
        assertThat(health).containsEntry("status", "UP");
        assertThat((Map<String, Object>) health.get("details")).containsEntry("endpoint", etcd.endpoint())
            .containsEntry("api", "V3");
        Map<String, Object> timer = http.get().uri("/actuator/metrics/etcd.client.requests").retrieve().body(JSON);
        assertThat((List<Map<String, Object>>) timer.get("availableTags")).anySatisfy((tag) -> {
            assertThat(tag).containsEntry("tag", "etcd.operation");
            assertThat((List<String>) tag.get("values")).contains("swap");
        });
        assertThat(http.get().uri("/actuator/configprops").retrieve().body(String.class))
            .contains("etcd key /config/sample-app/sample/features/new-checkout");
        assertThat(http.get().uri("/actuator/info").retrieve().body(JSON)).containsKey("app");
    }
}
