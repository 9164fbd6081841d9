package dev.etcdspring.autoconfigure.testcontainers;

import dev.etcdspring.autoconfigure.EtcdAutoConfiguration;
import dev.etcdspring.autoconfigure.EtcdConnectionDetails;
import dev.etcdspring.core.EtcdOperations;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @ServiceConnection} to etcd's own image in a real container; skipped where there is no Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = EtcdContainerConnectionDetailsFactoryIntegrationTest.EtcdOnly.class)
class EtcdContainerConnectionDetailsFactoryIntegrationTest {

    /**
     * etcd listens on the container's loopback by default, where a mapped port cannot reach it; it is told to
     * listen on every interface, and to advertise that.
     */
    @Container
    @ServiceConnection
    static final GenericContainer<?> etcd = new GenericContainer<>(
            DockerImageName.parse("gcr.io/etcd-development/etcd:v3.5.17"))
        .withCommand("/usr/local/bin/etcd", "--name", "service-connection",
                "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://0.0.0.0:2379")
        .withExposedPorts(2379)
        .waitingFor(Wait.forHttp("/health").forPort(2379));

    @Autowired
    private EtcdConnectionDetails connectionDetails;

    @Autowired
    private EtcdOperations etcdOperations;

    @Test
    void theConnectionDetailsPointAtTheContainer() {
        assertThat(this.connectionDetails.getEndpoints())
            .containsExactly("http://" + etcd.getHost() + ":" + etcd.getMappedPort(2379));
        assertThat(this.connectionDetails.getUsername()).isNull();
    }

    @Test
    void theTemplateWritesAndReadsThroughThem() {
        this.etcdOperations.set("/service-connection/greeting", "hello");
        assertThat(this.etcdOperations.get("/service-connection/greeting")).isEqualTo("hello");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(EtcdAutoConfiguration.class)
    static class EtcdOnly {
    }
}
