package dev.etcdspring.autoconfigure.boot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that logs in to an etcd with authentication enabled (v3, root user): its password never shows in
 * {@code /actuator/env} or {@code /actuator/configprops}, even with their values shown, nor in anything logged from
 * start-up on, with the client's and Spring's HTTP logging at DEBUG.
 */
@SpringBootTest(classes = EtcdTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=env,configprops,health",
                "management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
                "management.endpoint.health.show-details=always", "etcd.username=root",
                "etcd.password=" + EtcdApplicationSecretsTest.PASSWORD, "logging.level.dev.etcdspring=DEBUG",
                "logging.level.org.springframework.web=DEBUG", "logging.level.org.springframework.boot.actuate=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class EtcdApplicationSecretsTest {

    static final String PASSWORD = "s3cret-etcd-Pa55";

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @DynamicPropertySource
    static void etcdProperties(DynamicPropertyRegistry registry) {
        registry.add("etcd.endpoints", etcd::endpoint);
    }

    @BeforeAll
    static void enableAuthentication() throws Exception {
        post("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"" + PASSWORD + "\"}");
        post("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
        assertThat(post("/v3/auth/enable", "{}")).doesNotContain("error");
        assertThat(post("/v3/kv/range", "{\"key\":\"eA==\"}")).as("etcd refuses an anonymous read")
            .contains("user name is empty");
    }

    private static String post(String path, String body) throws Exception {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString())
            .body();
    }

    @Autowired
    EtcdOperations etcdOperations;

    @LocalServerPort
    int port;

    @Test
    void thePasswordLogsInButShowsNowhere(CapturedOutput output) {
        this.etcdOperations.set("/secured/k", "v");
        assertThat(this.etcdOperations.get("/secured/k")).isEqualTo("v");
        Actuator actuator = new Actuator(this.port);
        assertThat(actuator.json("/health/etcd")).containsEntry("status", "UP");

        String env = actuator.text("/env");
        assertThat(env).as("values are shown: the user name is there").contains("etcd.username", "\"root\"");
        assertThat(env).contains("etcd.password").doesNotContain(PASSWORD);
        Map<String, Object> property = actuator.json("/env/etcd.password");
        assertThat(property.toString()).contains("******").doesNotContain(PASSWORD);

        String configprops = actuator.text("/configprops");
        assertThat(configprops).as("values are shown").contains("\"username\":\"root\"");
        assertThat(configprops).contains("\"password\"").doesNotContain(PASSWORD);

        assertThat(output.getAll()).as("logged at start-up and since, HTTP at DEBUG")
            .contains("Started EtcdApplicationSecretsTest", "DefaultRestClient", "/actuator/env/etcd.password")
            .doesNotContain(PASSWORD);
        assertThat(this.etcdOperations.toString()).doesNotContain(PASSWORD);
    }
}
