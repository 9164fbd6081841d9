package dev.etcdspring.core.internal;

import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdKeyspaceConflictException;
import dev.etcdspring.core.EtcdNodeExistsException;
import dev.etcdspring.core.EtcdNotDirectoryException;
import dev.etcdspring.core.EtcdNotFileException;

/**
 * What both wire protocols share in their exceptions: the subclass an etcd error code gets (the code, not the
 * HTTP status, decides the type: etcd answers error 401 with HTTP 400 and error 110 with HTTP 401) and the
 * message's format. How each protocol's answers become exceptions is its {@link EtcdErrorTranslator}'s.
 */
public final class EtcdErrors {

    private EtcdErrors() {
    }

    /**
     * Creates the exception for an error the server answered with.
     *
     * @param details the code, status, index, message, cause and key
     * @param endpoint the endpoint that answered, for the message; may be {@code null}
     * @return the exception, of the subclass that matches the code
     */
    public static EtcdException forCode(EtcdException.Details details, String endpoint) {
        String message = message(details, endpoint);
        return switch (details.errorCode()) {
            case EtcdException.KEY_NOT_FOUND -> new EtcdKeyNotFoundException(message, details, null);
            case EtcdException.COMPARE_FAILED -> new EtcdCompareFailedException(message, details, null);
            case EtcdException.NOT_FILE -> new EtcdNotFileException(message, details, null);
            case EtcdException.NOT_DIRECTORY -> new EtcdNotDirectoryException(message, details, null);
            case EtcdException.NODE_EXISTS -> new EtcdNodeExistsException(message, details, null);
            case EtcdException.KEYSPACE_CONFLICT -> new EtcdKeyspaceConflictException(message, details, null);
            default -> new EtcdException(message, details, null);
        };
    }

    /**
     * Creates the exception for an error found locally, without asking the server again, in the same shape as
     * the server's own (such as {@code get} of a directory, which is etcd's "Not a file"), with the key as
     * etcd's cause. The protocols use their {@link EtcdErrorTranslator#local}; this is the template's, for the
     * conditions it checks on a response whatever the protocol.
     *
     * @param errorCode the etcd error code
     * @param etcdMessage etcd's message for that code
     * @param key the key
     * @param index the index the condition was seen at
     * @param httpStatus the status of the answer the condition was seen in
     * @return the exception
     */
    public static EtcdException local(int errorCode, String etcdMessage, String key, long index, int httpStatus) {
        return local(errorCode, etcdMessage, key, key, index, httpStatus);
    }

    /**
     * Creates the exception for an error found locally, with the cause etcd would give: how every local condition
     * becomes an exception, the protocols' ({@link EtcdErrorTranslator#local}) and the template's alike.
     *
     * @param errorCode the etcd error code
     * @param etcdMessage etcd's message for that code
     * @param etcdCause etcd's cause: the key, or what differed
     * @param key the key of the operation
     * @param index the index or revision the condition was seen at
     * @param httpStatus the status of the answer the condition was seen in
     * @return the exception, of the subclass that matches the code
     */
    public static EtcdException local(int errorCode, String etcdMessage, String etcdCause, String key, long index,
            int httpStatus) {
        return forCode(EtcdException.Details.forKey(key)
            .errorCode(errorCode)
            .httpStatus(httpStatus)
            .index(index)
            .etcdMessage(etcdMessage)
            .etcdCause(etcdCause)
            .build(), null);
    }

    /**
     * Creates the exception for an answer that is not etcd's, in the format both protocols share: say what came
     * back, or, for a 404, that the server does not serve the API. A write answered with success or a server error may have been applied whatever the
     * body says, so its outcome is unknown.
     *
     * @param call the call
     * @param answer the answer
     * @param notServed the message for a 404: what the server lacks and what to do
     * @param cause why the body could not be read; may be {@code null}
     * @return the exception
     */
    public static EtcdException notAnEtcdAnswer(HttpCall call, HttpAnswer answer, String notServed, Exception cause) {
        String message = (answer.status() == 404) ? "etcd at " + answer.endpoint() + " " + notServed
                : "etcd at " + answer.endpoint() + " answered " + call.describe() + " with HTTP " + answer.status()
                        + " (" + answer.contentType() + ") that is not an etcd answer: "
                        + answer.bodySnippet();
        boolean outcomeUnknown = !call.idempotent() && (answer.isSuccess() || answer.status() >= 500);
        EtcdException.Details details = EtcdException.Details.forKey(call.key())
            .httpStatus(answer.status())
            .outcomeUnknown(outcomeUnknown)
            .build();
        return new EtcdException(message, details, cause);
    }

    private static String message(EtcdException.Details d, String endpoint) {
        StringBuilder message = new StringBuilder();
        message.append((d.etcdMessage() != null) ? d.etcdMessage() : "etcd error");
        // A message that already quotes its cause, as the client's own sentences about a key do, says it once.
        if (d.etcdCause() != null && !d.etcdCause().isEmpty()
                && !message.toString().contains("'" + d.etcdCause() + "'")) {
            message.append(": ").append(d.etcdCause());
        }
        message.append(" [etcd error ").append(d.errorCode());
        if (d.httpStatus() != 0) {
            message.append(", HTTP ").append(d.httpStatus());
        }
        if (d.key() != null) {
            message.append(", key ").append(d.key());
        }
        if (d.index() != 0) {
            message.append(", index ").append(d.index());
        }
        if (endpoint != null) {
            message.append(", ").append(endpoint);
        }
        message.append(']');
        if (d.outcomeUnknown()) {
            message.append("; the write may still have been applied: read the key before retrying");
        }
        return message.toString();
    }
}
