package dev.etcdspring.config;

/**
 * A configuration document in etcd (the {@code yaml} or {@code properties} format) cannot be read. The message names
 * the key and never quotes the document, which may hold secrets.
 */
public class InvalidEtcdDocumentException extends IllegalStateException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the key
     */
    public InvalidEtcdDocumentException(String message) {
        super(message);
    }
}
