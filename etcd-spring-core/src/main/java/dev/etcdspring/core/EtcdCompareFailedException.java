package dev.etcdspring.core;

/**
 * A compare-and-set precondition did not hold (etcd error 101).
 *
 * <p>{@link EtcdOperations#compareAndSet} and {@link EtcdOperations#compareAndSetIndex} answer {@code false} instead of throwing this.
 */
public class EtcdCompareFailedException extends EtcdException {

    private final transient EtcdNode currentNode;

    /**
     * Creates an exception; {@code details} must carry error code {@link EtcdException#COMPARE_FAILED}.
     *
     * @param message the full message
     * @param details what the server said and about which key
     * @param cause the underlying exception; may be {@code null}
     */
    public EtcdCompareFailedException(String message, Details details, Throwable cause) {
        this(message, details, cause, null);
    }

    /**
     * Creates an exception that knows the key's state the comparison failed against.
     *
     * @param message the full message
     * @param details what the server said and about which key
     * @param cause the underlying exception; may be {@code null}
     * @param currentNode the key as etcd saw it when the comparison failed; may be {@code null}
     */
    public EtcdCompareFailedException(String message, Details details, Throwable cause, EtcdNode currentNode) {
        super(message, details, cause);
        this.currentNode = currentNode;
    }

    /**
     * The key as etcd saw it when the comparison failed: its value and {@link EtcdNode#modifiedIndex()}, read in the
     * same transaction as the failed comparison, so as fresh as a linearizable read. The v3 API reports it; on v2
     * etcd's answer does not hold the value.
     *
     * @return the current node, or {@code null} when the API did not report it
     */
    public EtcdNode getCurrentNode() {
        return this.currentNode;
    }
}
