package dev.etcdspring.core;

/**
 * An etcd operation failed: the server refused it, or it could not be completed.
 *
 * <p>{@link #getErrorCode()} is etcd's v2 error code for the condition on both APIs (so a caller can
 * {@code catch} by code whatever the API), or 0 when the server never answered. Subclasses exist for the
 * conditions callers handle most: {@link EtcdKeyNotFoundException} (100), {@link EtcdCompareFailedException}
 * (101), {@link EtcdNotFileException} (102), {@link EtcdNotDirectoryException} (104),
 * {@link EtcdNodeExistsException} (105), {@link EtcdKeyspaceConflictException} (the client's own
 * {@link #KEYSPACE_CONFLICT}, 900), and {@link EtcdTransportException} when no server answered.
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

    /**
     * The client's own code, outside etcd's (whose v2 codes stop below 900): on the v3 API, the directory API met
     * a key it cannot show, one that holds a value and has keys below it, or that has an empty segment; see
     * {@link EtcdKeyspaceConflictException}.
     */
    public static final int KEYSPACE_CONFLICT = 900;

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

        /**
         * Starts the details of a failure of an operation on a key; every other field starts at none (0,
         * {@code null}, {@code false}). This is how the client builds them, so that each field is named where it
         * is set.
         *
         * @param key the normalised key of the operation; {@code null} for an operation on no key
         * @return a builder
         */
        public static Builder forKey(String key) {
            return new Builder().key(key);
        }

        /**
         * A builder that starts from these details, to change some of them.
         *
         * @return a builder
         */
        public Builder toBuilder() {
            return new Builder().errorCode(this.errorCode)
                .httpStatus(this.httpStatus)
                .index(this.index)
                .etcdMessage(this.etcdMessage)
                .etcdCause(this.etcdCause)
                .key(this.key)
                .outcomeUnknown(this.outcomeUnknown);
        }

        /**
         * Builds {@link Details} field by field.
         */
        public static final class Builder {

            private int errorCode;

            private int httpStatus;

            private long index;

            private String etcdMessage;

            private String etcdCause;

            private String key;

            private boolean outcomeUnknown;

            private Builder() {
            }

            /**
             * etcd's v2 error code.
             *
             * @param errorCode the code, 0 for none
             * @return this builder
             */
            public Builder errorCode(int errorCode) {
                this.errorCode = errorCode;
                return this;
            }

            /**
             * The HTTP status of the answer.
             *
             * @param httpStatus the status, 0 when the server never answered
             * @return this builder
             */
            public Builder httpStatus(int httpStatus) {
                this.httpStatus = httpStatus;
                return this;
            }

            /**
             * The index or revision the server reported.
             *
             * @param index the index, 0 for none
             * @return this builder
             */
            public Builder index(long index) {
                this.index = index;
                return this;
            }

            /**
             * The server's message.
             *
             * @param etcdMessage the message; may be {@code null}
             * @return this builder
             */
            public Builder etcdMessage(String etcdMessage) {
                this.etcdMessage = etcdMessage;
                return this;
            }

            /**
             * The server's cause.
             *
             * @param etcdCause the cause; may be {@code null}
             * @return this builder
             */
            public Builder etcdCause(String etcdCause) {
                this.etcdCause = etcdCause;
                return this;
            }

            /**
             * The key of the operation.
             *
             * @param key the key; may be {@code null}
             * @return this builder
             */
            public Builder key(String key) {
                this.key = key;
                return this;
            }

            /**
             * Whether a failed write may have been applied.
             *
             * @param outcomeUnknown whether the outcome is unknown
             * @return this builder
             */
            public Builder outcomeUnknown(boolean outcomeUnknown) {
                this.outcomeUnknown = outcomeUnknown;
                return this;
            }

            /**
             * Builds the details.
             *
             * @return the details
             */
            public Details build() {
                return new Details(this.errorCode, this.httpStatus, this.index, this.etcdMessage, this.etcdCause,
                        this.key, this.outcomeUnknown);
            }
        }
    }

    /**
     * The details of this exception, to build those of another from.
     *
     * @return the details
     */
    public Details getDetails() {
        return new Details(this.errorCode, this.httpStatus, this.index, this.etcdMessage, this.etcdCause, this.key,
                this.outcomeUnknown);
    }
}
