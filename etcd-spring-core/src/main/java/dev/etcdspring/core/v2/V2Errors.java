// One job: how an answer of the v2 keys API becomes an exception. etcd's v2 errors carry their code in the
// body (errorCode, message, cause, index), so the body, read once, serves both the response and the error.
package dev.etcdspring.core.v2;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.internal.EtcdErrorTranslator;
import dev.etcdspring.core.internal.EtcdErrors;
import dev.etcdspring.core.internal.EtcdJson;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;

/**
 * How the v2 keys API's answers become exceptions: an answer with an {@code errorCode} is that code's exception,
 * an answer that is not etcd's (not JSON, unreadable, a 404 from a server without the v2 API) says what came back.
 */
final class V2Errors implements EtcdErrorTranslator {

    static final V2Errors INSTANCE = new V2Errors();

    private V2Errors() {
    }

    /**
     * The body of a keys answer, success or error; an answer that is not etcd's JSON is thrown as such.
     */
    V2Json.Body body(HttpCall call, HttpAnswer answer) {
        if (!answer.isJson()) {
            throw notAnEtcdAnswer(call, answer, null);
        }
        try (JsonParser parser = EtcdJson.MAPPER.createParser(answer.body())) {
            return V2BodyReader.read(parser);
        }
        catch (JacksonException | java.time.format.DateTimeParseException ex) {
            throw notAnEtcdAnswer(call, answer, ex);
        }
    }

    @Override
    public EtcdException translate(HttpCall call, HttpAnswer answer) {
        V2Json.Body body;
        try {
            body = body(call, answer);
        }
        catch (EtcdException notEtcd) {
            return notEtcd;
        }
        return translate(call, answer, body);
    }

    /**
     * The exception for a keys answer, already read, that is not a success: its {@code errorCode}'s, or, without
     * one, an answer that is not etcd's. A write that failed for a raft error may still have been applied.
     */
    EtcdException translate(HttpCall call, HttpAnswer answer, V2Json.Body body) {
        if (body.errorCode() == null) {
            return notAnEtcdAnswer(call, answer, null);
        }
        boolean outcomeUnknown = body.errorCode() == EtcdException.RAFT_INTERNAL && !call.idempotent();
        long index = (body.index() != null) ? body.index() : answer.longHeader("X-Etcd-Index");
        return EtcdErrors.forCode(EtcdException.Details.forKey(call.key())
            .errorCode(body.errorCode())
            .httpStatus(answer.status())
            .index(index)
            .etcdMessage(body.message())
            .etcdCause(body.cause())
            .outcomeUnknown(outcomeUnknown)
            .build(), answer.endpoint());
    }

    @Override
    public EtcdException notAnEtcdAnswer(HttpCall call, HttpAnswer answer, Exception cause) {
        return EtcdErrors.notAnEtcdAnswer(call, answer, "does not serve the v2 API: etcd 3.4/3.5 need "
                + "--enable-v2=true, etcd 3.6+ removed it; use EtcdApi.V3", cause);
    }
}
