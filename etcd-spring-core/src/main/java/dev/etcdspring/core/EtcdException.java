package dev.etcdspring.core;

/**
 * An etcd operation failed: the server refused it, or it could not be completed.
 *
 * <p>{@link #getErrorCode()} is etcd's v2 error code for the condition on both APIs (so a caller can
 * {@code catch} by code whatever the API), or 0 when the server never answered. Subclasses exist for the
 * conditions callers handle most: {@link EtcdKeyNotFoundException} (100), {@link EtcdCompareFailedException}
 * (101), {@link EtcdNotFileException} (102), {@link EtcdNotDirectoryException} (104),
 * {@link EtcdNodeExistsException} (105), and {@link EtcdTransportException} when no server answered.
 *
 * <p>{@link #isOutcomeUnknown()} tells whether a write that failed may nevertheless have been applied (a timeout
 * after the request was sent, or etcd's own "request timed out"): such a write must not be retried blindly.
 */
public class EtcdException extends RuntimeException {

    /** Key not found. */
    public static final int KEY_NOT_FOUND = 100;

    /** Compare failed: a {@code prevValue} or {@code prevIndex} condition did not hold. */
    public static final int COMPARE_FAILED = 101;

    /** Not a file: the key is a directory. */
    public static final int NOT_FILE = 102;

    /** Not a directory: the key is a file. */
    public static final int NOT_DIRECTORY = 104;

    /** Key already exists. */
    public static final int NODE_EXISTS = 105;

    /** The root is read only. */
    public static final int ROOT_READ_ONLY = 107;

    /** The directory is not empty. */
    public static final int DIRECTORY_NOT_EMPTY = 108;

    /** The request was not authorized. */
    public static final int UNAUTHORIZED = 110;

    /** An internal raft error, such as "request timed out": a write may still have been applied. */
    public static final int RAFT_INTERNAL = 300;

    /** The requested index is outside the event history the server keeps. */
    public static final int EVENT_INDEX_CLEARED = 401;

    private final int errorCode;

    private final int httpStatus;

    private final long index;

    private final String etcdMessage;

    private final String etcdCause;

    private final String key;

    private final boolean outcomeUnknown;

    /**
     * Creates an exception.
     *
     * @param message the full message
     * @param details what the server said and about which key
     * @param cause the underlying exception; may be {@code null}
     */
    public EtcdException(String message, Details details, Throwable cause) {
        super(message, cause);
        this.errorCode = details.errorCode();
        this.httpStatus = details.httpStatus();
        this.index = details.index();
        this.etcdMessage = details.etcdMessage();
        this.etcdCause = details.etcdCause();
        this.key = details.key();
        this.outcomeUnknown = details.outcomeUnknown();
    }

    /**
     * etcd's v2 error code for the condition, such as {@link #KEY_NOT_FOUND}.
     *
     * @return the error code, or 0 when the server never answered or gave no code
     */
    public int getErrorCode() {
        return this.errorCode;
    }

    /**
     * The HTTP status of the server's answer.
     *
     * @return the status, or 0 when the server never answered
     */
    public int getHttpStatus() {
        return this.httpStatus;
    }

    /**
     * The store index (v2) or revision (v3) the server reported with the error.
     *
     * @return the index, or 0 when the server gave none
     */
    public long getIndex() {
        return this.index;
    }

    /**
     * The server's own message, such as {@code "Key not found"}.
     *
     * @return the message, or {@code null} when the server gave none
     */
    public String getEtcdMessage() {
        return this.etcdMessage;
    }

    /**
     * The server's cause, such as the first missing path element for {@link #KEY_NOT_FOUND} or
     * {@code "[one != two]"} for {@link #COMPARE_FAILED}.
     *
     * @return the cause, or {@code null} when the server gave none
     */
    public String getEtcdCause() {
        return this.etcdCause;
    }

    /**
     * The key of the operation that failed.
     *
     * @return the normalised key (starting with {@code /}), or {@code null} for an operation on no key
     */
    public String getKey() {
        return this.key;
    }

    /**
     * Whether a write that failed may nevertheless have been applied: the request may have reached a server
     * that then did not answer in time, or etcd answered that its own request timed out. Such a write must
     * not be retried blindly; read the key to learn the outcome. {@code false} means it certainly was not
     * applied (or the operation was a read).
     *
     * @return whether the outcome of the write is unknown
     */
    public boolean isOutcomeUnknown() {
        return this.outcomeUnknown;
    }

    /**
     * What an {@link EtcdException} carries besides its message.
     *
     * @param errorCode etcd's v2 error code, 0 for none
     * @param httpStatus the HTTP status, 0 when the server never answered
     * @param index the index the server reported, 0 for none
     * @param etcdMessage the server's message; may be {@code null}
     * @param etcdCause the server's cause; may be {@code null}
     * @param key the key of the operation; may be {@code null}
     * @param outcomeUnknown whether a failed write may have been applied
     */
    public record Details(int errorCode, int httpStatus, long index, String etcdMessage, String etcdCause, String key,
            boolean outcomeUnknown) {
    }
}
