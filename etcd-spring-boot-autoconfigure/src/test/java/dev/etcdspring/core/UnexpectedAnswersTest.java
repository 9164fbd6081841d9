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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Answers a real etcd gives only in conditions a test cannot produce on demand (a member cut off from its
 * quorum answers every linearizable request with 500 and error 300 after about 7 s; a proxy in between mangles a
 * body), served by a small local server in front of, or beside, a real etcd.
 */
class UnexpectedAnswersTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private HttpServer server;

    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (this.server != null) {
            this.server.stop(0);
        }
    }

    private String serve(int status, String contentType, String body) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server.createContext("/", (exchange) -> {
            this.requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.getResponseHeaders().add("X-Etcd-Index", "7");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        this.server.start();
        return "http://127.0.0.1:" + this.server.getAddress().getPort();
    }

    private String memberWithoutQuorum() throws IOException {
        return serve(500, "application/json",
                "{\"errorCode\":300,\"message\":\"Raft Internal Error\",\"cause\":\"etcdserver: request timed out\",\"index\":0}");
    }

    @Test
    void aReadAnsweredWithoutQuorumGoesOnToTheNextEndpoint() throws IOException {
        EtcdTemplate direct = EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
        direct.set("quorum/read", "from the healthy member");
        String cutOff = memberWithoutQuorum();
        EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(cutOff, etcd.endpoint()).build();
        assertThat(etcdTemplate.get("quorum/read")).isEqualTo("from the healthy member");
        assertThat(etcdTemplate.currentEndpoint()).isEqualTo(etcd.endpoint());
        assertThat(this.requests).hasValue(1);
    }

    @Test
    void aWriteAnsweredWithoutQuorumIsNotRepeatedButTheNextCallGoesElsewhere() throws IOException {
        String cutOff = memberWithoutQuorum();
        EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(cutOff, etcd.endpoint()).build();
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.set("quorum/write", "v"))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.RAFT_INTERNAL);
                assertThat(e.isOutcomeUnknown()).isTrue();
                assertThat(e.getEtcdCause()).isEqualTo("etcdserver: request timed out");
                assertThat(e.getIndex()).as("the body's index, as etcd gave it").isZero();
            });
        assertThat(etcdTemplate.get("quorum/write")).as("the write was not repeated on the healthy member").isNull();
        assertThat(etcdTemplate.currentEndpoint()).isEqualTo(etcd.endpoint());
        assertThat(this.requests).hasValue(1);
    }

    @Test
    void aSuccessfulWriteWithAnUnreadableBodyMayHaveBeenApplied() throws IOException {
        String mangling = serve(200, "text/html", "<html>proxy says hi</html>");
        EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(mangling).build();
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
