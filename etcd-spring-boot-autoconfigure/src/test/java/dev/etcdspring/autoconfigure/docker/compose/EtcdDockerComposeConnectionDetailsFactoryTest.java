package dev.etcdspring.autoconfigure.docker.compose;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.etcdspring.autoconfigure.EtcdConnectionDetails;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.TestDockerComposeConnectionSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link EtcdDockerComposeConnectionDetailsFactory} without Docker: a {@link RunningService} written here stands
 * for what Compose reports, and Boot's {@link ConnectionDetailsFactories} (which reads {@code spring.factories},
 * as Boot does once Compose is up) asks every registered factory about it.
 */
class EtcdDockerComposeConnectionDetailsFactoryTest {

    private final ConnectionDetailsFactories factories = new ConnectionDetailsFactories(null);

    @ParameterizedTest
    @ValueSource(strings = { "quay.io/coreos/etcd:v3.5.17", "gcr.io/etcd-development/etcd:v3.5.17",
            "bitnami/etcd:3.5", "docker.io/bitnami/etcd:latest", "bitnamilegacy/etcd:3.5.17" })
    void anEtcdImageGivesItsMappedClientPortWithoutCredentials(String image) {
        EtcdConnectionDetails details = detailsOf(new Service(image).env("ALLOW_NONE_AUTHENTICATION", "yes"));
        assertThat(details.getEndpoints()).containsExactly("http://docker.example:32779");
        assertThat(details.getUsername()).isNull();
        assertThat(details.getPassword()).isNull();
        assertThat(details.getSslBundle()).as("plain http").isNull();
    }

    @Test
    void bitnamisRootPasswordBecomesTheRootUsersCredentials() {
        EtcdConnectionDetails details = detailsOf(new Service("bitnami/etcd:3.5").env("ETCD_ROOT_PASSWORD", "s3cret"));
        assertThat(details.getEndpoints()).containsExactly("http://docker.example:32779");
        assertThat(details.getUsername()).isEqualTo("root");
        assertThat(details.getPassword()).isEqualTo("s3cret");
    }

    @Test
    void aPasswordBesideAllowNoneAuthenticationStillTurnsAuthenticationOn() {
        // bitnami's libetcd.sh enables authentication whenever ETCD_ROOT_PASSWORD is not empty.
        EtcdConnectionDetails details = detailsOf(new Service("bitnami/etcd:3.5")
            .env("ALLOW_NONE_AUTHENTICATION", "yes")
            .env("ETCD_ROOT_PASSWORD", "s3cret"));
        assertThat(details.getUsername()).isEqualTo("root");
        assertThat(details.getPassword()).isEqualTo("s3cret");
    }

    @Test
    void anEmptyOrUnsetRootPasswordIsNone() {
        // Compose reports a variable listed without a value as null.
        assertThat(detailsOf(new Service("bitnami/etcd:3.5").env("ETCD_ROOT_PASSWORD", "")).getUsername()).isNull();
        assertThat(detailsOf(new Service("bitnami/etcd:3.5").env("ETCD_ROOT_PASSWORD", null)).getPassword()).isNull();
    }

    @Test
    void theServiceConnectionLabelMatchesAnotherImage() {
        EtcdConnectionDetails details = detailsOf(new Service("registry.example/platform/etcd:3.5.17")
            .label("org.springframework.boot.service-connection", "gcr.io/etcd-development/etcd"));
        assertThat(details.getEndpoints()).containsExactly("http://docker.example:32779");
    }

    @Test
    void anUnmappedClientPortIsAnError() {
        // Compose publishes only the ports the file names; without 2379 there is no way in.
        Service service = new Service("quay.io/coreos/etcd:v3.5.17").withoutPorts();
        assertThatIllegalStateException().isThrownBy(() -> detailsOf(service));
    }

    @ParameterizedTest
    @ValueSource(strings = { "redis:7", "registry.k8s.io/etcd:3.5.16-0", "example/etcd:3.5" })
    void otherImagesAreNotMatched(String image) {
        assertThat(this.factories.getConnectionDetails(TestDockerComposeConnectionSource.of(new Service(image)), false))
            .isEmpty();
    }

    private EtcdConnectionDetails detailsOf(Service service) {
        Map<Class<?>, ConnectionDetails> details = this.factories
            .getConnectionDetails(TestDockerComposeConnectionSource.of(service), true);
        assertThat(details).containsOnlyKeys(EtcdConnectionDetails.class);
        return (EtcdConnectionDetails) details.get(EtcdConnectionDetails.class);
    }

    /**
     * A service as Compose reports it: on {@code docker.example}, with the client port published as 32779.
     */
    private static final class Service implements RunningService {

        private final String image;

        private final Map<String, String> env = new HashMap<>();

        private final Map<String, String> labels = new HashMap<>();

        private Map<Integer, Integer> ports = Map.of(2379, 32779);

        Service(String image) {
            this.image = image;
        }

        Service env(String name, String value) {
            this.env.put(name, value);
            return this;
        }

        Service label(String name, String value) {
            this.labels.put(name, value);
            return this;
        }

        Service withoutPorts() {
            this.ports = Map.of();
            return this;
        }

        @Override
        public String name() {
            return "etcd";
        }

        @Override
        public ImageReference image() {
            return ImageReference.of(this.image);
        }

        @Override
        public String host() {
            return "docker.example";
        }

        @Override
        public ConnectionPorts ports() {
            Map<Integer, Integer> ports = this.ports;
            return new ConnectionPorts() {

                @Override
                public int get(int containerPort) {
                    Integer port = ports.get(containerPort);
                    if (port == null) {
                        throw new IllegalStateException("No host port mapping found for container port %s"
                            .formatted(containerPort));
                    }
                    return port;
                }

                @Override
                public List<Integer> getAll() {
                    return List.copyOf(ports.values());
                }

                @Override
                public List<Integer> getAll(String protocol) {
                    return getAll();
                }
            };
        }

        @Override
        public Map<String, String> env() {
            return this.env;
        }

        @Override
        public Map<String, String> labels() {
            return this.labels;
        }

        @Override
        public String toString() {
            return "etcd";
        }
    }
}
