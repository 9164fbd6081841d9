package dev.etcdspring.autoconfigure.docker.compose;

import java.util.List;

import dev.etcdspring.autoconfigure.EtcdConnectionDetails;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.util.StringUtils;

/**
 * {@link DockerComposeConnectionDetailsFactory} that creates {@link EtcdConnectionDetails} for a Docker Compose
 * service running one of etcd's images: {@code quay.io/coreos/etcd}, {@code gcr.io/etcd-development/etcd},
 * {@code bitnami/etcd} or {@code bitnamilegacy/etcd}. Another image is matched when the service carries the label
 * {@code org.springframework.boot.service-connection} naming one of these.
 */
final class EtcdDockerComposeConnectionDetailsFactory
        extends DockerComposeConnectionDetailsFactory<EtcdConnectionDetails> {

    /**
     * The images this factory accepts. Boot compares names without the registry (both sides are reduced to
     * {@code coreos/etcd} and so on), so these are spelled as the Testcontainers factory spells them.
     */
    private static final String[] CONNECTION_NAMES = { "coreos/etcd", "etcd-development/etcd", "bitnami/etcd",
            "bitnamilegacy/etcd" };

    /** The client port inside every one of these images. */
    static final int CLIENT_PORT = 2379;

    /** Bitnami's user, created with {@link #ROOT_PASSWORD_ENV} as its password. */
    static final String ROOT_USER = "root";

    /**
     * Bitnami's variable: when it is not empty the image creates {@link #ROOT_USER} and enables authentication.
     * {@code ALLOW_NONE_AUTHENTICATION=yes} only lets it be empty; a password set beside it still turns
     * authentication on (bitnami's {@code libetcd.sh}), so it is not consulted. Plain etcd ignores the variable.
     */
    static final String ROOT_PASSWORD_ENV = "ETCD_ROOT_PASSWORD";

    /**
     * Made by Boot from {@code META-INF/spring.factories}.
     */
    EtcdDockerComposeConnectionDetailsFactory() {
        super(CONNECTION_NAMES);
    }

    @Override
    protected EtcdConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
        return new EtcdDockerComposeConnectionDetails(source.getRunningService());
    }

    /**
     * {@link EtcdConnectionDetails} of a running service, read once: Compose has started it before the factory
     * is asked.
     */
    static final class EtcdDockerComposeConnectionDetails extends DockerComposeConnectionDetails
            implements EtcdConnectionDetails {

        private final List<String> endpoints;

        private final String password;

        EtcdDockerComposeConnectionDetails(RunningService service) {
            super(service);
            this.endpoints = List.of("http://" + service.host() + ":" + service.ports().get(CLIENT_PORT));
            String password = service.env().get(ROOT_PASSWORD_ENV);
            this.password = StringUtils.hasLength(password) ? password : null;
        }

        @Override
        public List<String> getEndpoints() {
            return this.endpoints;
        }

        @Override
        public String getUsername() {
            return (this.password != null) ? ROOT_USER : null;
        }

        @Override
        public String getPassword() {
            return this.password;
        }

        /**
         * None: the endpoint is plain http, so a bundle from the service's
         * {@code org.springframework.boot.sslbundle.*} labels is not used.
         */
        @Override
        public SslBundle getSslBundle() {
            return null;
        }
    }
}
