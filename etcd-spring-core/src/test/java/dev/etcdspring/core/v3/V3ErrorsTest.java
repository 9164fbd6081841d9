package dev.etcdspring.core.v3;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdNotDirectoryException;
import dev.etcdspring.core.internal.EtcdJson;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the v3 gateway's answers become exceptions, without a server: gRPC codes in v2 codes, the outcome of a
 * write, answers that are not etcd's, a watch's cancellation and the conditions the directory model finds.
 */
class V3ErrorsTest {

    private static final V3Errors errors = V3Errors.INSTANCE;

    private static final HttpCall READ = HttpCall.of(HttpMethod.POST, "/v3/kv/range", true, null, "/a/b/c");

    private static final HttpCall WRITE = HttpCall.of(HttpMethod.POST, "/v3/kv/txn", false, null, "/a");

    private static HttpAnswer answer(int status, String body) {
        return new HttpAnswer("http://127.0.0.1:2379", status, Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSuccessIsItsBody() {
        assertThat(errors.body(READ, answer(200, "{\"header\":{\"revision\":\"7\"}}")).path("header")
            .path("revision").asString()).isEqualTo("7");
    }

    @Test
    void grpcCodesBecomeV2Codes() {
        assertThat(errors.translate(READ, answer(401, "{\"code\":16,\"message\":\"invalid auth token\"}"))
            .getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
        assertThat(errors.translate(READ, answer(400, "{\"code\":3,\"message\":\"user name is empty\"}"))
            .getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
        assertThat(errors.translate(READ, answer(400, "{\"code\":11,\"message\":\"compacted\"}")).getErrorCode())
            .isEqualTo(EtcdException.EVENT_INDEX_CLEARED);
        assertThat(errors.translate(WRITE, answer(400, "{\"code\":3,\"message\":\"etcdserver: key not found\"}")))
            .as("a put that keeps the value or lease of a missing key").isInstanceOf(EtcdKeyNotFoundException.class);
        assertThat(errors.translate(READ, answer(400, "{\"code\":11,\"message\":\"etcdserver: mvcc: required "
                + "revision is a future revision\"}")).getErrorCode()).as("nothing was lost").isZero();
        EtcdException other = errors.translate(READ, answer(400, "{\"code\":3,\"message\":\"too many ops\"}"));
        assertThat(other.getErrorCode()).isZero();
        assertThat(other.getEtcdCause()).isEqualTo("gRPC 3 InvalidArgument");
        assertThat(other.getHttpStatus()).isEqualTo(400);
        assertThat(other.getKey()).isEqualTo("/a/b/c");
    }

    @Test
    void aWriteLostInRaftMayHaveBeenApplied() {
        String unavailable = "{\"code\":14,\"message\":\"etcdserver: request timed out\"}";
        EtcdException write = errors.translate(WRITE, answer(503, unavailable));
        assertThat(write.getErrorCode()).isEqualTo(EtcdException.RAFT_INTERNAL);
        assertThat(write.isOutcomeUnknown()).isTrue();
        assertThat(errors.translate(READ, answer(503, unavailable)).isOutcomeUnknown()).isFalse();
    }

    @Test
    void aPermissionDeniedNamesTheAncestorsTheModelReads() {
        EtcdException denied = errors.translate(READ, answer(403, "{\"code\":7,\"message\":\"permission denied\"}"));
        assertThat(denied.getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
        assertThat(denied.getEtcdMessage()).startsWith("permission denied").contains("[/a, /a/b]");
    }

    @Test
    void anAnswerThatIsNotEtcdsSaysSo() {
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> errors.body(READ, answer(404, "not found!")))
            .withMessageContaining("does not serve the v3 JSON gateway")
            .satisfies((ex) -> assertThat(ex.getErrorCode()).isZero());
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> errors.body(WRITE, answer(200, "[1, 2]")))
            .withMessageContaining("that is not an etcd answer")
            .satisfies((ex) -> assertThat(ex.isOutcomeUnknown()).isTrue());
    }

    @Test
    void aWatchRefusedWithAJsonSuccessIsNotEtcds() {
        HttpCall watch = HttpCall.of(HttpMethod.POST, "/v3/watch", true, null, "/a");
        assertThat(errors.watchRefused(watch, answer(204, "{}")).getMessage())
            .contains("answered the read of /a with HTTP 204 (application/json) that is not an etcd answer: {}");
        assertThat(errors.watchRefused(watch, answer(401, "{\"code\":16,\"message\":\"invalid auth token\"}"))
            .getErrorCode()).isEqualTo(EtcdException.UNAUTHORIZED);
    }

    @Test
    void aWatchCanceledForCompactionLostItsHistory() {
        EtcdException compacted = errors.watchCanceled(
                EtcdJson.MAPPER.readTree("{\"canceled\":true,\"compact_revision\":\"42\"}"), "/a", null);
        assertThat(compacted.getErrorCode()).isEqualTo(EtcdException.EVENT_INDEX_CLEARED);
        assertThat(compacted.getIndex()).isEqualTo(42);
        EtcdException canceled = errors.watchCanceled(
                EtcdJson.MAPPER.readTree("{\"canceled\":true,\"cancel_reason\":\"no leader\"}"), "/a", null);
        assertThat(canceled.getErrorCode()).isZero();
        assertThat(canceled.getEtcdCause()).isEqualTo("no leader");
    }

    @Test
    void localConditionsHaveTheSubclassOfTheirCode() {
        assertThat(errors.local(EtcdException.KEY_NOT_FOUND, "Key not found", "/a", "/a", 5))
            .isInstanceOf(EtcdKeyNotFoundException.class)
            .satisfies((ex) -> assertThat(ex.getHttpStatus()).isEqualTo(200))
            .satisfies((ex) -> assertThat(ex.getIndex()).isEqualTo(5));
        assertThat(errors.local(EtcdException.NOT_DIRECTORY, "Not a directory", "/a", "/a/b", 5))
            .isInstanceOf(EtcdNotDirectoryException.class)
            .hasMessage("Not a directory: /a [etcd error 104, HTTP 200, key /a/b, index 5]");
        EtcdNode current = new EtcdNode("/a", "x", false, 2, 3, null, null, null);
        EtcdCompareFailedException failed = errors.compareFailed("[y != x]", "/a", 5, current);
        assertThat(failed.getErrorCode()).isEqualTo(EtcdException.COMPARE_FAILED);
        assertThat(failed).hasMessage("Compare failed: [y != x] [etcd error 101, HTTP 200, key /a, index 5]");
        assertThat(failed.getCurrentNode()).isEqualTo(current);
    }
}
