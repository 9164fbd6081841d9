package dev.etcdspring.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The five HTTP backends against a real etcd: each works, none follows a redirect, a caller's
 * {@link RestClient.Builder} customisations apply, and {@link EtcdTemplate#close()} ends the template.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class HttpBackendsTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    HttpBackendsTest(EtcdApi api) {
        this.api = api;
    }

    private static final Map<String, Function<Duration, ClientHttpRequestFactory>> backends = Map.of(
            "socket", EtcdRequestFactories.socket(Duration.ofSeconds(2)),
            "jetty", EtcdRequestFactories.jetty(Duration.ofSeconds(2)),
            "httpComponents", EtcdRequestFactories.httpComponents(Duration.ofSeconds(2)),
            "urlConnection", EtcdRequestFactories.urlConnection(Duration.ofSeconds(2)),
            "jdk", EtcdRequestFactories.jdk(Duration.ofSeconds(2)));

    private HttpServer redirecting;

    @BeforeEach
    void startRedirectingServer() throws IOException {
        // Answers everything with a redirect to the same path on the real etcd: following it would write there.
        this.redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.redirecting.createContext("/", (exchange) -> {
            exchange.getResponseHeaders().add("Location", etcd.endpoint() + exchange.getRequestURI());
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        this.redirecting.start();
    }

    @AfterEach
    void stopRedirectingServer() {
        this.redirecting.stop(0);
    }

    private EtcdTemplate template(String backend, String endpoint) {
        return EtcdTemplate.builder().endpoints(endpoint).api(this.api).requestFactory(backends.get(backend)).build();
    }

    @ParameterizedTest
    @ValueSource(strings = { "socket", "jetty", "httpComponents", "urlConnection", "jdk" })
    void everyBackendReadsAndWrites(String backend) {
        EtcdTemplate etcdTemplate = template(backend, etcd.endpoint());
        etcdTemplate.set("backend/" + backend, "a b&c=d 物");
        assertThat(etcdTemplate.get("backend/" + backend)).isEqualTo("a b&c=d 物");
        assertThat(etcdTemplate.delete("backend/" + backend).prevNode().value()).isEqualTo("a b&c=d 物");
    }

    @ParameterizedTest
    @ValueSource(strings = { "socket", "jetty", "httpComponents", "urlConnection", "jdk" })
    void noBackendFollowsRedirects(String backend) {
        EtcdTemplate etcdTemplate = template(backend, "http://127.0.0.1:" + this.redirecting.getAddress().getPort());
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.set("k", "v"))
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo(307);
                assertThat(e.getMessage()).contains("HTTP 307", "not an etcd answer");
            });
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.get("k"))
            .satisfies((e) -> assertThat(e.getHttpStatus()).isEqualTo(307));
        assertThat(template("jetty", etcd.endpoint()).get("k")).as("the redirect was not followed").isNull();
    }

    @Test
    void theCallersRestClientBuilderCustomisationsApply() {
        AtomicInteger intercepted = new AtomicInteger();
        RestClient.Builder builder = RestClient.builder().requestInterceptor((request, body, execution) -> {
            intercepted.incrementAndGet();
            return execution.execute(request, body);
        });
        EtcdTemplate etcdTemplate = EtcdTemplate.builder()
            .endpoints(etcd.endpoint())
            .api(this.api)
            .restClientBuilder(builder)
            .build();
        etcdTemplate.set("intercepted", "yes");
        assertThat(etcdTemplate.get("intercepted")).isEqualTo("yes");
        assertThat(intercepted).hasValue(2);
    }

    @Test
    void aClosedTemplateRefusesWork() {
        EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        etcdTemplate.set("before-close", "v");
        etcdTemplate.close();
        assertThatIllegalStateException().isThrownBy(() -> etcdTemplate.get("before-close"))
            .withMessageContaining("closed");
    }
}
