package dev.etcdspring.core;

/**
 * The key is a value where a directory was expected (etcd error 104).
 *
 * <p>{@link EtcdOperations#getTree(String)} of a key throws it, and so does a write below a key.
 */
public class EtcdNotDirectoryException extends EtcdException {

    /**
     * Creates an exception; {@code details} must carry error code {@link EtcdException#NOT_DIRECTORY}.
     *
     * @param message the full message
     * @param details what the server said and about which key
     * @param cause the underlying exception; may be {@code null}
     */
    public EtcdNotDirectoryException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }
}
