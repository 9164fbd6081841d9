// One job: how an answer of the v3 gateway becomes an exception: the body of a success, a gRPC error in etcd's
// v2 code where one means the same, the errors and cancellations of a watch stream, the v2 conditions the
// directory model finds in a transaction's answer (and the keys it cannot show), and answers that are not etcd's.
package dev.etcdspring.core.v3;

import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.internal.EtcdErrorTranslator;
import dev.etcdspring.core.internal.EtcdErrors;
import dev.etcdspring.core.internal.EtcdJson;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The v3 gateway's error translation. The gateway answers a failure with a gRPC status ({@code code},
 * {@code message}); the exception carries etcd's v2 code for the condition where one means the same, so that a
 * caller handles both APIs alike.
 */
final class V3Errors implements EtcdErrorTranslator {

    static final V3Errors INSTANCE = new V3Errors();

    static final int GRPC_UNAUTHENTICATED = 16;

    /** Where a key the directory model cannot show is read as it is. */
    private static final String NATIVE_API = "read it with opsForKeyValue(), which shows v3 keys as they are";

    private static final String[] GRPC_CODES = { "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
            "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
            "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated" };

    private V3Errors() {
    }

    /** The JSON object of a successful answer; any other answer is thrown as the exception it means. */
    JsonNode body(HttpCall call, HttpAnswer answer) {
        return body(call, answer, true);
    }

    /**
     * The JSON object of a successful answer, or the exception; {@code directoryModel} for a call of the directory
     * API, whose permission errors explain the ancestors it reads.
     */
    JsonNode body(HttpCall call, HttpAnswer answer, boolean directoryModel) {
        JsonNode body;
        try {
            body = EtcdJson.MAPPER.readTree(answer.body());
        }
        catch (JacksonException ex) {
            throw notAnEtcdAnswer(call, answer, ex);
        }
        if (answer.isSuccess() && body.isObject()) {
            return body;
        }
        throw translate(call, answer, body, directoryModel);
    }

    @Override
    public EtcdException translate(HttpCall call, HttpAnswer answer) {
        // body() returns only for a JSON object with a success status: anything else, it throws as what it means.
        try {
            body(call, answer);
        }
        catch (EtcdException ex) {
            return ex;
        }
        return notAnEtcdAnswer(call, answer, null);
    }

    private EtcdException translate(HttpCall call, HttpAnswer answer, JsonNode body, boolean directoryModel) {
        if (!answer.isSuccess() && body.path("code").isNumber()) {
            return grpcError(call, answer, body, directoryModel);
        }
        JsonNode streamed = body.path("error");
        if (!answer.isSuccess() && streamed.path("grpc_code").isNumber()) {
            // A streaming endpoint (keepalive) that failed before its first message wraps the status:
            // {"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader"}}.
            return grpcError(call, answer, V3Json.object().put("code", streamed.path("grpc_code").asInt())
                .put("message", streamed.path("message").asString("")), directoryModel);
        }
        return notAnEtcdAnswer(call, answer, null);
    }

    /** A watch stream answered with anything but 200: its error, or, for a JSON success, no v3 watch here. */
    EtcdException watchRefused(HttpCall call, HttpAnswer answer) {
        try {
            body(call, answer);
        }
        catch (EtcdException ex) {
            return ex;
        }
        return EtcdErrors.notAnEtcdAnswer(call, answer, "does not serve the v3 watch at /v3/watch", null);
    }

    /** A gRPC error from the gateway, in v2 codes where one means the same. */
    private static EtcdException grpcError(HttpCall call, HttpAnswer answer, JsonNode body, boolean directoryModel) {
        int code = body.path("code").asInt();
        String text = body.path("message").asString(body.path("error").asString(""));
        int v2code = switch (code) {
            case 7, 16 -> EtcdException.UNAUTHORIZED;
            // etcd answers a missing token and a wrong password as invalid arguments, and a put that keeps the
            // value or lease of a key that does not exist ("etcdserver: key not found")
            case 3 -> text.contains("user name is empty") || text.contains("authentication failed")
                    ? EtcdException.UNAUTHORIZED : text.contains("key not found") ? EtcdException.KEY_NOT_FOUND : 0;
            // compacted away; "a future revision" is out of range too, but nothing was lost
            case 11 -> text.contains("future") ? 0 : EtcdException.EVENT_INDEX_CLEARED;
            // "requested lease not found": a put with a lease that expired, a revoke of an unknown lease
            case 5 -> EtcdException.KEY_NOT_FOUND;
            case 9 -> text.contains("already exists") ? EtcdException.NODE_EXISTS : 0;
            case 4, 14 -> EtcdException.RAFT_INTERNAL;
            case 2 -> text.contains("timed out") || text.contains("leader") || text.contains("stopped")
                    ? EtcdException.RAFT_INTERNAL : 0;
            default -> 0;
        };
        String name = (code >= 0 && code < GRPC_CODES.length) ? GRPC_CODES[code] : "code";
        if (code == 7 && directoryModel && call.key() != null && call.key().lastIndexOf('/') > 0) {
            text = text + " (besides the key itself, the template reads its ancestors " + V3Keys.ancestors(call.key())
                    + " to keep the directory model: a role limited to a prefix needs read permission on them too)";
        }
        boolean outcomeUnknown = !call.idempotent()
                && (answer.status() >= 500 || v2code == EtcdException.RAFT_INTERNAL);
        return EtcdErrors.forCode(EtcdException.Details.forKey(call.key())
            .errorCode(v2code)
            .httpStatus(answer.status())
            .etcdMessage(text)
            .etcdCause("gRPC " + code + " " + name)
            .outcomeUnknown(outcomeUnknown)
            .build(), answer.endpoint());
    }

    @Override
    public EtcdException notAnEtcdAnswer(HttpCall call, HttpAnswer answer, Exception cause) {
        return EtcdErrors.notAnEtcdAnswer(call, answer,
                "does not serve the v3 JSON gateway at /v3/ (etcd 3.4 or later needed), or is not etcd", cause);
    }

    // ---------------------------------------------------------------- watch streams

    /** A watch stream that ended with a gRPC error, such as "server stopped" when etcd shuts down. */
    EtcdException streamError(JsonNode error, String key, String endpoint) {
        return EtcdErrors.forCode(EtcdException.Details.forKey(key)
            .httpStatus(error.path("http_code").asInt(0))
            .etcdMessage(error.path("message").asString(""))
            .etcdCause("gRPC " + error.path("grpc_code").asInt())
            .build(), endpoint);
    }

    /** A watch the server canceled: for compaction, the history from the watch's start is lost (v2's 401). */
    EtcdException watchCanceled(JsonNode result, String key, String endpoint) {
        long compacted = V3Json.number(result.path("compact_revision"));
        if (compacted > 0) {
            return local(EtcdException.EVENT_INDEX_CLEARED, "The event in requested index is outdated and cleared",
                    "compacted up to revision " + compacted, key, compacted);
        }
        return EtcdErrors.forCode(EtcdException.Details.forKey(key)
            .httpStatus(200)
            .etcdMessage("watch canceled")
            .etcdCause(result.path("cancel_reason").asString(""))
            .build(), endpoint);
    }

    // ---------------------------------------------------------------- conditions found in a transaction's answer

    /** A v2 condition seen in a (successful, HTTP 200) answer at {@code revision}. */
    EtcdException local(int code, String message, String cause, String key, long revision) {
        return local(code, message, cause, key, revision, 200);
    }

    /**
     * The comparison of a write failed: what differed, and the key as the failed transaction saw it, for a
     * caller's own compare-and-set loop.
     */
    EtcdCompareFailedException compareFailed(String cause, String key, long revision, EtcdNode current) {
        EtcdException failed = local(EtcdException.COMPARE_FAILED, "Compare failed", cause, key, revision);
        return new EtcdCompareFailedException(failed.getMessage(), failed.getDetails(), null, current);
    }

    /**
     * A key in the range of a directory read or {@code deleteAll} holds a value and has keys below it, which v3
     * allows and the directory model cannot show: the operation fails rather than show one and hide the other.
     */
    EtcdException valueWithKeysBelow(String conflicting, String below, String key, long revision) {
        return local(EtcdException.KEYSPACE_CONFLICT, "etcd key '" + conflicting + "' holds a value and has keys "
                + "below it ('" + below + "'); the directory API cannot show both: " + NATIVE_API, conflicting, key,
                revision);
    }

    /** A key in the range of a directory read or {@code deleteAll} has an empty segment below the directory. */
    EtcdException emptySegment(String conflicting, String key, long revision) {
        return local(EtcdException.KEYSPACE_CONFLICT, "etcd key '" + conflicting + "' has an empty segment, which "
                + "the directory API cannot show: " + NATIVE_API, conflicting, key, revision);
    }

    // ---------------------------------------------------------------- reading a gRPC status

    /** The gRPC code of an answer; -1 when it has none. */
    static int grpcCode(HttpAnswer answer) {
        try {
            return EtcdJson.MAPPER.readTree(answer.body()).path("code").asInt(-1);
        }
        catch (JacksonException ex) {
            return -1;
        }
    }

    /** The gRPC message of an answer; {@code ""} when it has none. */
    static String grpcText(HttpAnswer answer) {
        try {
            JsonNode body = EtcdJson.MAPPER.readTree(answer.body());
            return body.path("message").asString(body.path("error").asString(""));
        }
        catch (JacksonException ex) {
            return "";
        }
    }
}
