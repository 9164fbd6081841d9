package dev.etcdspring.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Answers a real etcd gives only in conditions a test cannot produce on demand (a member cut off from its
 * quorum answers every linearizable request with 500 and error 300 after about 7 s; a proxy in between mangles a
 * body), served by a small local server in front of, or beside, a real etcd.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class UnexpectedAnswersTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    UnexpectedAnswersTest(EtcdApi api) {
        this.api = api;
    }

    private HttpServer server;

    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (this.server != null) {
            this.server.stop(0);
        }
    }

    private String serve(int status, String contentType, String body) throws IOException {
        return serve((path) -> status, contentType, (path) -> body);
    }

    private String serve(java.util.function.ToIntFunction<String> status, String contentType,
            java.util.function.UnaryOperator<String> body) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server.createContext("/", (exchange) -> {
            this.requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            byte[] bytes = body.apply(path).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.getResponseHeaders().add("X-Etcd-Index", "7");
            exchange.sendResponseHeaders(status.applyAsInt(path), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        this.server.start();
        return "http://127.0.0.1:" + this.server.getAddress().getPort();
    }

    /** What a member cut off from its quorum answers after about 7 s (etcd-http-api.md, section 6). */
    private String memberWithoutQuorum() throws IOException {
        if (this.api == EtcdApi.V2) {
            return serve(500, "application/json", "{\"errorCode\":300,\"message\":\"Raft Internal Error\","
                    + "\"cause\":\"etcdserver: request timed out\",\"index\":0}");
        }
        // v3: a linearizable range answers 503 with gRPC code 14, a write 500 with code 2
        return serve((path) -> path.equals("/v3/kv/range") ? 503 : 500, "application/json",
                (path) -> path.equals("/v3/kv/range")
                        ? "{\"error\":\"etcdserver: leader changed\",\"message\":\"etcdserver: leader changed\",\"code\":14}"
                        : "{\"error\":\"etcdserver: request timed out\",\"message\":\"etcdserver: request timed out\",\"code\":2}");
    }

    private EtcdTemplate.Builder template(String... endpoints) {
        return EtcdTemplate.builder().endpoints(endpoints).api(this.api);
    }

    @Test
    void aReadAnsweredWithoutQuorumGoesOnToTheNextEndpoint() throws IOException {
        EtcdTemplate direct = template(etcd.endpoint()).build();
        direct.set("quorum/read", "from the healthy member");
        String cutOff = memberWithoutQuorum();
        EtcdTemplate etcdTemplate = template(cutOff, etcd.endpoint()).build();
        assertThat(etcdTemplate.get("quorum/read")).isEqualTo("from the healthy member");
        assertThat(etcdTemplate.currentEndpoint()).isEqualTo(etcd.endpoint());
        assertThat(this.requests).hasValue(1);
    }

    @Test
    void aWriteAnsweredWithoutQuorumIsNotRepeatedButTheNextCallGoesElsewhere() throws IOException {
        String cutOff = memberWithoutQuorum();
        EtcdTemplate etcdTemplate = template(cutOff, etcd.endpoint()).build();
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.set("quorum/write", "v"))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.RAFT_INTERNAL);
                assertThat(e.isOutcomeUnknown()).isTrue();
                assertThat(e.getMessage()).contains("etcdserver: request timed out", "may still have been applied");
                assertThat(e.getIndex()).as("the body's index, as etcd gave it").isZero();
            });
        assertThat(etcdTemplate.get("quorum/write")).as("the write was not repeated on the healthy member").isNull();
        assertThat(etcdTemplate.currentEndpoint()).isEqualTo(etcd.endpoint());
        assertThat(this.requests).hasValue(1);
    }

    @Test
    void aSuccessfulWriteWithAnUnreadableBodyMayHaveBeenApplied() throws IOException {
        String mangling = serve(200, "text/html", "<html>proxy says hi</html>");
        EtcdTemplate etcdTemplate = template(mangling).build();
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.set("k", "v"))
            .satisfies((e) -> {
                assertThat(e.isOutcomeUnknown()).isTrue();
                assertThat(e.getHttpStatus()).isEqualTo(200);
                assertThat(e.getMessage()).contains("not an etcd answer", "proxy says hi");
            });
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.get("k"))
            .satisfies((e) -> assertThat(e.isOutcomeUnknown()).isFalse());
    }
}
