package dev.etcdspring.config;

import java.util.List;

import org.springframework.boot.context.config.ConfigDataException;

/**
 * Configuration could not be loaded from etcd: it could not be reached (after the retries), or what it holds could
 * not be read. The message names the path and the endpoints, never a value.
 */
public class EtcdConfigDataException extends ConfigDataException {

    private final String path;

    private final List<String> endpoints;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the path and the endpoints
     * @param path the etcd path
     * @param endpoints the endpoints asked
     * @param cause the last failure
     */
    public EtcdConfigDataException(String message, String path, List<String> endpoints, Throwable cause) {
        super(message, cause);
        this.path = path;
        this.endpoints = List.copyOf(endpoints);
    }

    /**
     * The etcd path that could not be loaded.
     *
     * @return the path
     */
    public String getPath() {
        return this.path;
    }

    /**
     * The endpoints that were asked.
     *
     * @return the endpoints
     */
    public List<String> getEndpoints() {
        return this.endpoints;
    }
}
