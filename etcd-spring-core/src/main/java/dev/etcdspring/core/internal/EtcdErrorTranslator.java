package dev.etcdspring.core.internal;

import dev.etcdspring.core.EtcdException;

/**
 * How one wire protocol's answers become exceptions. Each protocol implements it once, in one class: there a
 * reader finds how the server's error answers, the answers that are not etcd's and the conditions the protocol
 * finds itself become {@link EtcdException}s. Which subclass a code gets and how the message reads are
 * {@link EtcdErrors}', the same for both.
 */
public interface EtcdErrorTranslator {

    /**
     * Creates the exception for an answer that is not a success: the server's error, in etcd's v2 code where one
     * means the same, or, when the answer is not etcd's, what came back.
     *
     * @param call the call
     * @param answer the answer, not a success
     * @return the exception
     */
    EtcdException translate(HttpCall call, HttpAnswer answer);

    /**
     * Creates the exception for an answer that is not etcd's: its body unreadable or of the wrong shape, or a 404
     * from a server that does not serve this protocol.
     *
     * @param call the call
     * @param answer the answer
     * @param cause why the body could not be read; may be {@code null}
     * @return the exception
     */
    EtcdException notAnEtcdAnswer(HttpCall call, HttpAnswer answer, Exception cause);

    /**
     * Creates the exception for a condition found locally, without asking the server again, in the shape of the
     * server's own (such as a key on the path of a write, which is etcd's "Not a directory").
     *
     * @param errorCode the etcd error code
     * @param etcdMessage etcd's message for that code
     * @param etcdCause etcd's cause: the key, or what differed
     * @param key the key of the operation
     * @param index the index or revision the condition was seen at
     * @param httpStatus the status of the answer the condition was seen in
     * @return the exception, of the subclass that matches the code
     */
    default EtcdException local(int errorCode, String etcdMessage, String etcdCause, String key, long index,
            int httpStatus) {
        return EtcdErrors.local(errorCode, etcdMessage, etcdCause, key, index, httpStatus);
    }
}
