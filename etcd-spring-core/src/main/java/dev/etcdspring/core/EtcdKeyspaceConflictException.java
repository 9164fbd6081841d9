// One job: the public exception for v3 keys that the directory API cannot show, so that none is dropped silently.
package dev.etcdspring.core;

/**
 * On the v3 API, the directory API met a key it cannot show (the client's own code
 * {@link EtcdException#KEYSPACE_CONFLICT}, 900): a key that holds a value and has keys below it
 * ({@code /cfg/server = x} beside {@code /cfg/server/port = 8080}, legal in v3's flat keyspace, impossible in v2's
 * tree), or a key with an empty segment below the directory ({@code /a//b}, or {@code /a/b/} with a trailing
 * {@code /}). Reads of a directory ({@link EtcdOperations#getTree}, {@link EtcdOperations#get} and
 * {@link EtcdOperations#getResponse} of a directory, a watch's {@code resync}) throw it rather than show part of
 * the keyspace, and {@link EtcdOperations#deleteAll} throws it before deleting anything. The message and
 * {@link #getConflictingKey()} name the key; the v3-native {@code opsForKeyValue()} reads such keys as they are.
 *
 * <p>It is deliberately neither an {@link EtcdKeyNotFoundException} nor an {@link EtcdNotDirectoryException}:
 * callers that take those for "absent" must not take this one so.
 */
public class EtcdKeyspaceConflictException extends EtcdException {

    /**
     * Creates an exception; {@code details} must carry error code {@link EtcdException#KEYSPACE_CONFLICT} and the
     * key that cannot be shown as the cause.
     *
     * @param message the full message
     * @param details what was found and about which key
     * @param cause the underlying exception; may be {@code null}
     */
    public EtcdKeyspaceConflictException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    /**
     * The key the directory API cannot show: the one that holds a value and has keys below it, or the one with an
     * empty segment. {@link #getKey()} is the key of the operation (the directory read or deleted).
     *
     * @return the key, as stored in etcd
     */
    public String getConflictingKey() {
        return getEtcdCause();
    }
}
