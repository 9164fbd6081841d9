package dev.etcdspring.core;

/**
 * The key already exists where it must not (etcd error 105).
 *
 * <p>A write with {@code prevExist(false)} on an existing key throws it.
 */
public class EtcdNodeExistsException extends EtcdException {

    /**
     * Creates an exception; {@code details} must carry error code {@link EtcdException#NODE_EXISTS}.
     *
     * @param message the full message
     * @param details what the server said and about which key
     * @param cause the underlying exception; may be {@code null}
     */
    public EtcdNodeExistsException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }
}
