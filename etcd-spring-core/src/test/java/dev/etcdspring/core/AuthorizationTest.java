package dev.etcdspring.core;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.test.EtcdClusterExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Users limited by roles, on both APIs, and v3 tokens that expire (one fresh etcd per test, started with
 * {@code --auth-token-ttl=1}): a user works where its role allows and is refused elsewhere with etcd's error; an
 * expired token is renewed once, transparently; the password shows in no message and no metric tag.
 */
class AuthorizationTest {

    private static final String ROOT_PASSWORD = "r00t-pa55!";

    private static final String APP_PASSWORD = "app-pa55?";

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.single().withFlags("--auth-token-ttl=1");

    private final HttpClient admin = HttpClient.newHttpClient();

    private String send(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.etcd.endpoint() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return this.admin.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void v2UsersAreLimitedToWhatTheirRoleGrantsAndGuestIsRevoked() throws Exception {
        String root = basic("root", ROOT_PASSWORD);
        send("PUT", "/v2/auth/users/root", "{\"user\":\"root\",\"password\":\"" + ROOT_PASSWORD + "\"}", null);
        send("PUT", "/v2/auth/enable", "", root);
        send("PUT", "/v2/auth/roles/guest", "{\"role\":\"guest\",\"revoke\":{\"kv\":{\"read\":[\"/*\"],\"write\":[\"/*\"]}}}",
                root);
        send("PUT", "/v2/auth/roles/app", "{\"role\":\"app\",\"permissions\":{\"kv\":{\"read\":[\"/app/*\"],\"write\":[\"/app/*\"]}}}",
                root);
        send("PUT", "/v2/auth/users/app", "{\"user\":\"app\",\"password\":\"" + APP_PASSWORD + "\",\"roles\":[\"app\"]}",
                root);
        try (EtcdTemplate app = template(EtcdApi.V2, "app", APP_PASSWORD);
                EtcdTemplate anonymous = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V2).build()) {
            app.set("/app/config", "mine");
            assertThat(app.get("/app/config")).isEqualTo("mine");
            assertThat(app.swap("/app/config", (v) -> v + "!")).isEqualTo("mine!");
            assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> app.set("/other/config", "not mine"))
                .satisfies((e) -> {
                    assertThat(e.getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
                    assertThat(e.getKey()).isEqualTo("/other/config");
                    assertThat(e.isOutcomeUnknown()).isFalse();
                    assertThat(e.getMessage()).doesNotContain(APP_PASSWORD);
                });
            assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> anonymous.get("/app/config"))
                .satisfies((e) -> assertThat(e.getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED));
            assertThat(app.toString()).doesNotContain(APP_PASSWORD);
        }
    }

    @Test
    void v3UsersAreLimitedToTheirRolesKeyRange() throws Exception {
        String rootToken = enableV3AuthWithAppUser();
        try (EtcdTemplate app = template(EtcdApi.V3, "app", APP_PASSWORD)) {
            // A role on the prefix /app/ alone: the template's writes also read /app (the directory model), which
            // etcd refuses; the message says what the role lacks.
            assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> app.set("/app/config", "mine"))
                .satisfies((e) -> {
                    assertThat(e.getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
                    assertThat(e.isOutcomeUnknown()).isFalse();
                    assertThat(e.getMessage()).contains("permission denied", "ancestors [/app]",
                            "read permission on them");
                });
            send("POST", "/v3/auth/role/grant", "{\"name\":\"app\",\"perm\":{\"permType\":\"READ\",\"key\":\""
                    + b64("/app") + "\"}}", rootToken);
            app.set("/app/config", "mine");
            assertThat(app.get("/app/config")).isEqualTo("mine");
            assertThat(app.swap("/app/config", (v) -> v + "!")).isEqualTo("mine!");
            assertThat(app.compareAndSet("/app/config", "mine!", "again")).isTrue();
            assertThat(app.delete("/app/config").prevNode().value()).isEqualTo("again");
            assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> app.set("/other/config", "not mine"))
                .satisfies((e) -> {
                    assertThat(e.getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
                    assertThat(e.getKey()).isEqualTo("/other/config");
                    assertThat(e.isOutcomeUnknown()).isFalse();
                    assertThat(e.getMessage()).contains("permission denied", "ancestors [/other]")
                        .doesNotContain(APP_PASSWORD);
                });
            assertThat(send("POST", "/v3/kv/range", "{\"key\":\"" + b64("/other/config") + "\"}", rootToken))
                .as("nothing was written outside the role").doesNotContain("\"kvs\"");
        }
    }

    @Test
    void anExpiredV3TokenIsRenewedOnceAndNoCredentialReachesAMetric() throws Exception {
        String rootToken = enableV3AuthWithAppUser();
        send("POST", "/v3/auth/role/grant", "{\"name\":\"app\",\"perm\":{\"permType\":\"READ\",\"key\":\""
                + b64("/app") + "\"}}", rootToken);
        AtomicInteger authentications = new AtomicInteger();
        RestClient.Builder counting = RestClient.builder().requestInterceptor((request, body, execution) -> {
            if (request.getURI().getPath().equals("/v3/auth/authenticate")) {
                authentications.incrementAndGet();
            }
            return execution.execute(request, body);
        });
        MeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        try (EtcdTemplate app = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V3)
            .credentials("app", APP_PASSWORD).restClientBuilder(counting).observationRegistry(observations).build()) {
            app.set("/app/ttl", "one");
            assertThat(authentications).hasValue(1);
            // etcd gives simple tokens a time to live (here 1 s) counted from their last use, and drops expired
            // ones once a second. A probe token taken after the template's last request expires no earlier than
            // the template's; each look at it restarts its life, so the looks are spaced wider than life and drop.
            String probe = token("app", APP_PASSWORD);
            await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofMillis(2500)).pollInterval(Duration.ofMillis(2500))
                .until(() -> send("POST", "/v3/kv/range", "{\"key\":\"" + b64("/app/ttl") + "\"}", probe)
                    .contains("invalid auth token"));
            assertThat(app.get("/app/ttl")).isEqualTo("one");
            assertThat(authentications).as("renewed once, then used").hasValue(2);
        }
        assertThat(meters.getMeters()).isNotEmpty().allSatisfy((meter) -> meter.getId().getTags()
            .forEach((tag) -> assertThat(tag.getValue()).doesNotContain(APP_PASSWORD).doesNotContain(ROOT_PASSWORD)));
    }

    private EtcdTemplate template(EtcdApi api, String user, String password) {
        return EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(api).credentials(user, password).build();
    }

    /** Root and an {@code app} user whose role reads and writes the keys under {@code /app/}; the root token. */
    private String enableV3AuthWithAppUser() throws Exception {
        send("POST", "/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"" + ROOT_PASSWORD + "\"}", null);
        send("POST", "/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}", null);
        send("POST", "/v3/auth/role/add", "{\"name\":\"app\"}", null);
        send("POST", "/v3/auth/role/grant", "{\"name\":\"app\",\"perm\":{\"permType\":\"READWRITE\",\"key\":\""
                + b64("/app/") + "\",\"range_end\":\"" + b64("/app0") + "\"}}", null);
        send("POST", "/v3/auth/user/add", "{\"name\":\"app\",\"password\":\"" + APP_PASSWORD + "\"}", null);
        send("POST", "/v3/auth/user/grant", "{\"user\":\"app\",\"role\":\"app\"}", null);
        assertThat(send("POST", "/v3/auth/enable", "{}", null)).doesNotContain("error");
        return token("root", ROOT_PASSWORD);
    }

    private String token(String user, String password) throws Exception {
        String answer = send("POST", "/v3/auth/authenticate",
                "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}", null);
        return answer.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
