package dev.etcdspring.core;

/**
 * The key does not exist (etcd error 100).
 *
 * <p>A missing directory in the key's path gives this too; {@link #getEtcdCause()} then names it.
 */
public class EtcdKeyNotFoundException extends EtcdException {

    /**
     * Creates an exception; {@code details} must carry error code {@link EtcdException#KEY_NOT_FOUND}.
     *
     * @param message the full message
     * @param details what the server said and about which key
     * @param cause the underlying exception; may be {@code null}
     */
    public EtcdKeyNotFoundException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }
}
