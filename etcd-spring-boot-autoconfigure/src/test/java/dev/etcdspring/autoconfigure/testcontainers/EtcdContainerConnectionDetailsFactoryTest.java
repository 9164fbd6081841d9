package dev.etcdspring.autoconfigure.testcontainers;

import java.util.List;

import dev.etcdspring.autoconfigure.EtcdAutoConfiguration;
import dev.etcdspring.autoconfigure.EtcdConnectionDetails;
import dev.etcdspring.core.EtcdTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsNotFoundException;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EtcdContainerConnectionDetailsFactory} without Docker: {@code @ServiceConnection} fields hold
 * {@link UnstartedContainer}s at {@code docker.example:32779}, and Boot's own field processing (the context
 * customizer Spring's test framework applies to a {@code @SpringBootTest}) turns them into connection details.
 */
class EtcdContainerConnectionDetailsFactoryTest {

    /**
     * Boot's customizer factory is package-private; Spring's test framework finds it in
     * {@code META-INF/spring.factories}, and so does this test.
     */
    private static final ContextCustomizerFactory serviceConnectionFields = SpringFactoriesLoader
        .forDefaultResourceLocation()
        .load(ContextCustomizerFactory.class)
        .stream()
        .filter((factory) -> factory.getClass().getSimpleName().equals("ServiceConnectionContextCustomizerFactory"))
        .findFirst()
        .orElseThrow();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EtcdAutoConfiguration.class));

    @ParameterizedTest
    @ValueSource(classes = { CoreOs.class, Gcr.class, Bitnami.class, BitnamiLegacy.class, DockerHubBitnami.class })
    void anEtcdImageGivesItsMappedClientPortWithoutCredentials(Class<?> fields) {
        this.runner.withInitializer(serviceConnections(fields)).run((context) -> {
            assertThat(context).hasSingleBean(EtcdConnectionDetails.class);
            EtcdConnectionDetails details = context.getBean(EtcdConnectionDetails.class);
            assertThat(details).isInstanceOf(EtcdContainerConnectionDetailsFactory.EtcdContainerConnectionDetails.class);
            assertThat(details.getEndpoints()).containsExactly("http://docker.example:32779");
            assertThat(details.getUsername()).isNull();
            assertThat(details.getPassword()).isNull();
            assertThat(details.getSslBundle()).as("plain http").isNull();
            // The auto-configured template uses them in place of etcd.* properties.
            assertThat(context.getBean(EtcdTemplate.class).endpoints()).containsExactly("http://docker.example:32779");
        });
    }

    @Test
    void bitnamisRootPasswordBecomesTheRootUsersCredentials() {
        this.runner.withInitializer(serviceConnections(BitnamiWithPassword.class)).run((context) -> {
            EtcdConnectionDetails details = context.getBean(EtcdConnectionDetails.class);
            assertThat(details.getEndpoints()).containsExactly("http://docker.example:32779");
            assertThat(details.getUsername()).isEqualTo("root");
            assertThat(details.getPassword()).isEqualTo("s3cret");
        });
    }

    @Test
    void allowNoneAuthenticationWithoutAPasswordMeansNoCredentials() {
        this.runner.withInitializer(serviceConnections(BitnamiWithoutAuthentication.class)).run((context) -> {
            EtcdConnectionDetails details = context.getBean(EtcdConnectionDetails.class);
            assertThat(details.getUsername()).isNull();
            assertThat(details.getPassword()).isNull();
        });
    }

    @Test
    void aPasswordBesideAllowNoneAuthenticationStillTurnsAuthenticationOn() {
        // bitnami's libetcd.sh enables authentication whenever ETCD_ROOT_PASSWORD is not empty.
        this.runner.withInitializer(serviceConnections(BitnamiWithPasswordAndAllowNone.class)).run((context) -> {
            EtcdConnectionDetails details = context.getBean(EtcdConnectionDetails.class);
            assertThat(details.getUsername()).isEqualTo("root");
            assertThat(details.getPassword()).isEqualTo("s3cret");
        });
    }

    @Test
    void anEmptyRootPasswordIsNone() {
        this.runner.withInitializer(serviceConnections(BitnamiWithEmptyPassword.class))
            .run((context) -> assertThat(context.getBean(EtcdConnectionDetails.class).getUsername()).isNull());
    }

    @Test
    void aConnectionNameMatchesAnotherImage() {
        this.runner.withInitializer(serviceConnections(NamedCustomImage.class)).run((context) -> {
            assertThat(context.getBean(EtcdConnectionDetails.class).getEndpoints())
                .containsExactly("http://docker.example:32779");
        });
    }

    @Test
    void theDetailsSayWhichFieldTheyCameFrom() {
        this.runner.withInitializer(serviceConnections(CoreOs.class))
            .run((context) -> assertThat(Origin.from(context.getBean(EtcdConnectionDetails.class))).hasToString(
                    "EtcdContainerConnectionDetailsFactoryTest.CoreOs.etcd"));
    }

    @ParameterizedTest
    @ValueSource(classes = { Redis.class, KubernetesEtcd.class, RegistryQualifiedName.class })
    void otherImagesAndNamesAreNotMatched(Class<?> fields) {
        // This factory is the only one registered for containers here: when it declines, Boot finds none.
        this.runner.withInitializer(serviceConnections(fields)).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).isInstanceOf(ConnectionDetailsNotFoundException.class);
        });
    }

    private static ApplicationContextInitializer<ConfigurableApplicationContext> serviceConnections(Class<?> fields) {
        ContextCustomizer customizer = serviceConnectionFields.createContextCustomizer(fields, List.of());
        return (context) -> customizer.customizeContext(context, null);
    }

    static class CoreOs {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("quay.io/coreos/etcd:v3.5.17");
    }

    static class Gcr {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("gcr.io/etcd-development/etcd:v3.5.17");
    }

    static class Bitnami {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("bitnami/etcd:3.5")
            .withEnv("ALLOW_NONE_AUTHENTICATION", "yes");
    }

    static class BitnamiLegacy {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("bitnamilegacy/etcd:3.5.17")
            .withEnv("ALLOW_NONE_AUTHENTICATION", "yes");
    }

    static class DockerHubBitnami {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("docker.io/bitnami/etcd:latest")
            .withEnv("ALLOW_NONE_AUTHENTICATION", "yes");
    }

    static class BitnamiWithPassword {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("bitnami/etcd:3.5")
            .withEnv("ETCD_ROOT_PASSWORD", "s3cret");
    }

    static class BitnamiWithoutAuthentication {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("bitnami/etcd:3.5")
            .withEnv("ALLOW_NONE_AUTHENTICATION", "yes");
    }

    static class BitnamiWithPasswordAndAllowNone {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("bitnami/etcd:3.5")
            .withEnv("ALLOW_NONE_AUTHENTICATION", "yes")
            .withEnv("ETCD_ROOT_PASSWORD", "s3cret");
    }

    static class BitnamiWithEmptyPassword {

        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("bitnami/etcd:3.5")
            .withEnv("ALLOW_NONE_AUTHENTICATION", "yes")
            .withEnv("ETCD_ROOT_PASSWORD", "");
    }

    static class NamedCustomImage {

        @ServiceConnection(name = "etcd-development/etcd")
        static final UnstartedContainer etcd = new UnstartedContainer("registry.example/platform/etcd:3.5.17");
    }

    static class Redis {

        @ServiceConnection
        static final UnstartedContainer redis = new UnstartedContainer("redis:7");
    }

    static class KubernetesEtcd {

        // Kubernetes' image needs its own command line; it is not one of the images this factory knows.
        @ServiceConnection
        static final UnstartedContainer etcd = new UnstartedContainer("registry.k8s.io/etcd:3.5.16-0");
    }

    static class RegistryQualifiedName {

        // Connection names are compared without the registry, so a name that has one never matches.
        @ServiceConnection(name = "quay.io/coreos/etcd")
        static final UnstartedContainer etcd = new UnstartedContainer("quay.io/coreos/etcd:v3.5.17");
    }
}
