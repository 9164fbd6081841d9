package dev.etcdspring.autoconfigure.testcontainers;

import java.util.List;
import java.util.Map;

import dev.etcdspring.autoconfigure.EtcdConnectionDetails;
import org.testcontainers.containers.Container;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.util.StringUtils;

/**
 * {@link ContainerConnectionDetailsFactory} that creates {@link EtcdConnectionDetails} from a
 * {@link ServiceConnection @ServiceConnection}-annotated container (a {@code GenericContainer} will do) running
 * one of etcd's images: {@code quay.io/coreos/etcd}, {@code gcr.io/etcd-development/etcd}, {@code bitnami/etcd}
 * or {@code bitnamilegacy/etcd}. Another image is matched when the annotation names one of these.
 */
final class EtcdContainerConnectionDetailsFactory
        extends ContainerConnectionDetailsFactory<Container<?>, EtcdConnectionDetails> {

    /**
     * The connection names this factory accepts. Testcontainers deduces a connection name from the image's
     * repository <em>without</em> its registry ({@code quay.io/coreos/etcd:v3.5.17} is {@code coreos/etcd}), so
     * that is how they are spelled here; a registry-qualified name would never match.
     */
    static final List<String> CONNECTION_NAMES = List.of("coreos/etcd", "etcd-development/etcd", "bitnami/etcd",
            "bitnamilegacy/etcd");

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
    EtcdContainerConnectionDetailsFactory() {
        super(CONNECTION_NAMES);
    }

    @Override
    protected EtcdConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
        return new EtcdContainerConnectionDetails(source);
    }

    /**
     * {@link EtcdConnectionDetails} read from the container when asked, not when created: the container is
     * started on first use, and only then has a host and a mapped port.
     */
    static final class EtcdContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
            implements EtcdConnectionDetails {

        private EtcdContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
            super(source);
        }

        @Override
        public List<String> getEndpoints() {
            Container<?> container = getContainer();
            return List.of("http://" + container.getHost() + ":" + container.getMappedPort(CLIENT_PORT));
        }

        @Override
        public String getUsername() {
            return (rootPassword() != null) ? ROOT_USER : null;
        }

        @Override
        public String getPassword() {
            return rootPassword();
        }

        /**
         * None: the endpoint is plain http (these images serve http unless configured otherwise), so a bundle
         * from Boot's {@code @Ssl} annotations on the container is not used.
         */
        @Override
        public SslBundle getSslBundle() {
            return null;
        }

        private String rootPassword() {
            Map<String, String> env = getContainer().getEnvMap();
            String password = env.get(ROOT_PASSWORD_ENV);
            return StringUtils.hasLength(password) ? password : null;
        }
    }
}
