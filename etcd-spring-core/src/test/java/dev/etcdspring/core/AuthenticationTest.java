package dev.etcdspring.core;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A cluster with authentication enabled, one fresh etcd per test: v3 tokens obtained from a user name and
 * password and renewed when the server rejects them, v2 basic authentication, and credentials that never show
 * in messages or logs.
 */
class AuthenticationTest {

    private static final String PASSWORD = "pa55-w0rd!";

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final HttpClient admin = HttpClient.newHttpClient();

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    private Logger logger;

    private Level level;

    @BeforeEach
    void captureLogs() {
        this.logger = (Logger) LoggerFactory.getLogger("dev.etcdspring");
        this.level = this.logger.getLevel();
        this.logger.setLevel(Level.DEBUG);
        this.logs.start();
        this.logger.addAppender(this.logs);
    }

    @AfterEach
    void noCredentialsWereLogged() {
        this.logger.detachAppender(this.logs);
        this.logger.setLevel(this.level);
        assertThat(this.logs.list).noneSatisfy((event) -> {
            assertThat(event.getFormattedMessage()).contains(PASSWORD);
        });
        assertThat(this.logs.list).filteredOn((event) -> event.getThrowableProxy() != null)
            .noneSatisfy((event) -> assertThat(event.getThrowableProxy().getMessage()).contains(PASSWORD));
    }

    private String post(String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.etcd.endpoint() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", token);
        }
        return this.admin.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String put(String path, String body) throws IOException, InterruptedException {
        return this.admin.send(HttpRequest.newBuilder(URI.create(this.etcd.endpoint() + path))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("root:" + PASSWORD).getBytes()))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String rootToken() throws IOException, InterruptedException {
        String answer = post("/v3/auth/authenticate", "{\"name\":\"root\",\"password\":\"" + PASSWORD + "\"}", null);
        return answer.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }

    private void enableV3Auth() throws IOException, InterruptedException {
        post("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"" + PASSWORD + "\"}", null);
        post("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}", null);
        assertThat(post("/v3/auth/enable", "{}", null)).doesNotContain("error");
    }

    @Test
    void v3TokensAreObtainedAndRenewedWhenRejected() throws Exception {
        enableV3Auth();
        AtomicInteger authentications = new AtomicInteger();
        RestClient.Builder counting = RestClient.builder().requestInterceptor((request, body, execution) -> {
            if (request.getURI().getPath().equals("/v3/auth/authenticate")) {
                authentications.incrementAndGet();
            }
            return execution.execute(request, body);
        });
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V3)
            .credentials("root", PASSWORD).restClientBuilder(counting).build()) {
            etcdTemplate.set("/secured", "one");
            assertThat(etcdTemplate.get("/secured")).isEqualTo("one");
            assertThat(authentications).as("one token serves many requests").hasValue(1);

            // Disabling and enabling authentication drops every token the server gave out.
            String token = rootToken();
            post("/v3/auth/disable", "{}", token);
            assertThat(post("/v3/auth/enable", "{}", null)).doesNotContain("error");

            assertThat(etcdTemplate.swap("/secured", (v) -> v + "+two")).isEqualTo("one+two");
            assertThat(authentications).as("the rejected token was renewed once").hasValue(2);
        }
    }

    @Test
    void v3WithoutOrWithWrongCredentialsIsUnauthorized() throws Exception {
        enableV3Auth();
        try (EtcdTemplate anonymous = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V3).build();
                EtcdTemplate wrong = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V3)
                    .credentials("root", PASSWORD + "x").build()) {
            assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> anonymous.get("/k")).satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
                assertThat(e.getMessage()).contains("user name is empty");
            });
            assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> wrong.set("/k", "v")).satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
                assertThat(e.getMessage()).contains("authentication failed").doesNotContain(PASSWORD);
                assertThat(e.isOutcomeUnknown()).isFalse();
            });
            assertThat(wrong.toString()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void credentialsAgainstAClusterWithoutAuthenticationAreHarmless() {
        for (EtcdApi api : EtcdApi.values()) {
            try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(api)
                .credentials("root", PASSWORD).build()) {
                etcdTemplate.set("/open", api.name());
                assertThat(etcdTemplate.get("/open")).isEqualTo(api.name());
            }
        }
    }

    @Test
    void v3AuthenticationEnabledWhileTheClientRunsIsPickedUp() throws Exception {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V3)
            .credentials("root", PASSWORD).build()) {
            etcdTemplate.set("/before", "auth was off");
            enableV3Auth();
            assertThat(etcdTemplate.get("/before")).isEqualTo("auth was off");
            etcdTemplate.set("/after", "auth is on");
            assertThat(etcdTemplate.get("/after")).isEqualTo("auth is on");
        }
    }

    @Test
    void v2BasicAuthentication() throws Exception {
        put("/v2/auth/users/root", "{\"user\":\"root\",\"password\":\"" + PASSWORD + "\"}");
        put("/v2/auth/enable", "");
        // Enabling leaves the guest role with full access until it is revoked.
        put("/v2/auth/roles/guest", "{\"role\":\"guest\",\"revoke\":{\"kv\":{\"read\":[\"/*\"],\"write\":[\"/*\"]}}}");
        try (EtcdTemplate root = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V2)
            .credentials("root", PASSWORD).build();
                EtcdTemplate anonymous = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V2).build();
                EtcdTemplate wrong = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(EtcdApi.V2)
                    .credentials("root", PASSWORD + "x").build()) {
            root.set("/secured", "v2");
            assertThat(root.get("/secured")).isEqualTo("v2");
            for (EtcdTemplate refused : List.of(anonymous, wrong)) {
                assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> refused.get("/secured"))
                    .satisfies((e) -> {
                        assertThat(e.getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
                        assertThat(e.getHttpStatus()).isEqualTo(401);
                        assertThat(e.getMessage()).doesNotContain(PASSWORD);
                    });
            }
        }
    }
}
