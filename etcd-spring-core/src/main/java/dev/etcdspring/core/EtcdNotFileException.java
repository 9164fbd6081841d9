package dev.etcdspring.core;

/**
 * The key is a directory where a value was expected (etcd error 102).
 *
 * <p>{@link EtcdOperations#get(String)} of a directory throws it; use {@link EtcdOperations#getTree(String)}.
 */
public class EtcdNotFileException extends EtcdException {

    /**
     * Creates an exception; {@code details} must carry error code {@link EtcdException#NOT_FILE}.
     *
     * @param message the full message
     * @param details what the server said and about which key
     * @param cause the underlying exception; may be {@code null}
     */
    public EtcdNotFileException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }
}
