package dev.etcdspring.core.v2;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the v2 keys API's answers become exceptions, without a server.
 */
class V2ErrorsTest {

    private static final V2Errors errors = V2Errors.INSTANCE;

    private static final HttpCall READ = HttpCall.of(HttpMethod.GET, "/v2/keys/a", true, null, "/a");

    private static final HttpCall WRITE = HttpCall.of(HttpMethod.PUT, "/v2/keys/a", false, null, "/a");

    private static HttpAnswer answer(int status, String contentType, String body) {
        return new HttpAnswer("http://127.0.0.1:2379", status, Map.of("Content-Type", contentType, "X-Etcd-Index", "9"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theErrorCodeDecidesTheException() {
        EtcdException missing = errors.translate(READ, answer(404, "application/json",
                "{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/a\",\"index\":7}"));
        assertThat(missing).isInstanceOf(EtcdKeyNotFoundException.class)
            .hasMessage("Key not found: /a [etcd error 100, HTTP 404, key /a, index 7, http://127.0.0.1:2379]");
        assertThat(errors.translate(READ, answer(404, "application/json",
                "{\"errorCode\":100,\"message\":\"Key not found\"}")).getIndex()).isEqualTo(9);
    }

    @Test
    void aWriteLostInRaftMayHaveBeenApplied() {
        String raft = "{\"errorCode\":300,\"message\":\"Raft Internal Error\",\"cause\":\"etcdserver: request timed out\"}";
        assertThat(errors.translate(WRITE, answer(500, "application/json", raft)).isOutcomeUnknown()).isTrue();
        assertThat(errors.translate(READ, answer(500, "application/json", raft)).isOutcomeUnknown()).isFalse();
    }

    @Test
    void anAnswerThatIsNotEtcdsSaysSo() {
        EtcdException notServed = errors.translate(READ, answer(404, "text/plain", "404 page not found"));
        assertThat(notServed.getErrorCode()).isZero();
        assertThat(notServed.getMessage()).contains("does not serve the v2 API");
        EtcdException garbled = errors.translate(WRITE, answer(502, "application/json", "{\"errorCode\":"));
        assertThat(garbled.getMessage()).contains("that is not an etcd answer");
        assertThat(garbled.isOutcomeUnknown()).isTrue();
        assertThat(garbled.getCause()).isNotNull();
    }
}
