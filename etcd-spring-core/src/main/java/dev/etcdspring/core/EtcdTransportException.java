package dev.etcdspring.core;

/**
 * No etcd server answered: every endpoint refused the connection, or the request failed on the way
 * (a timeout, a reset, a half-written answer). {@link #getErrorCode()} and {@link #getHttpStatus()} are 0.
 *
 * <p>{@link #isOutcomeUnknown()} is {@code true} for a write that may have reached a server (it is then never
 * retried on another endpoint), and {@code false} when the request certainly was not applied, such as when
 * every connection was refused.
 */
public class EtcdTransportException extends EtcdException {

    /**
     * Creates an exception.
     *
     * @param message the full message, naming the endpoints tried
     * @param details the key and whether the outcome is unknown
     * @param cause the last transport failure
     */
    public EtcdTransportException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }
}
