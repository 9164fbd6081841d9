package dev.etcdspring.core;

/**
 * A compare-and-set precondition did not hold (etcd error 101).
 *
 * <p>{@link EtcdOperations#compareAndSet} and {@link EtcdOperations#compareAndSetIndex} answer {@code false} instead of throwing this.
 */
public class EtcdCompareFailedException extends EtcdException {

    /**
     * Creates an exception; {@code details} must carry error code {@link EtcdException#COMPARE_FAILED}.
     *
     * @param message the full message
     * @param details what the server said and about which key
     * @param cause the underlying exception; may be {@code null}
     */
    public EtcdCompareFailedException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }
}
