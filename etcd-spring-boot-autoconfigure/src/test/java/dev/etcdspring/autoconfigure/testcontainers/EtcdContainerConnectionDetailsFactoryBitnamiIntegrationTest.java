package dev.etcdspring.autoconfigure.testcontainers;

import dev.etcdspring.autoconfigure.EtcdAutoConfiguration;
import dev.etcdspring.autoconfigure.EtcdConnectionDetails;
import dev.etcdspring.core.EtcdOperations;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitAllStrategy;
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
 * A {@code @ServiceConnection} to bitnami's etcd image with a root password, in a real container; skipped where
 * there is no Docker. Bitnami's versioned tags now live in {@code bitnamilegacy}; its images are the same.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = EtcdContainerConnectionDetailsFactoryBitnamiIntegrationTest.EtcdOnly.class)
class EtcdContainerConnectionDetailsFactoryBitnamiIntegrationTest {

    /**
     * Bitnami starts etcd once in the background to create the root user and enable authentication, stops it,
     * then logs "** Starting etcd **" and starts it for good: the health check must come after that line, or it
     * may be answered by the first etcd, about to stop.
     */
    @Container
    @ServiceConnection
    static final GenericContainer<?> etcd = new GenericContainer<>(
            DockerImageName.parse("bitnamilegacy/etcd:3.5.17"))
        .withEnv("ETCD_ROOT_PASSWORD", "s3cret")
        .withExposedPorts(2379)
        .waitingFor(new WaitAllStrategy()
            .withStrategy(Wait.forLogMessage(".*\\*\\* Starting etcd \\*\\*.*\\s*", 1))
            .withStrategy(Wait.forHttp("/health").forPort(2379)));

    @Autowired
    private EtcdConnectionDetails connectionDetails;

    @Autowired
    private EtcdOperations etcdOperations;

    @Test
    void theConnectionDetailsCarryTheRootUser() {
        assertThat(this.connectionDetails.getEndpoints())
            .containsExactly("http://" + etcd.getHost() + ":" + etcd.getMappedPort(2379));
        assertThat(this.connectionDetails.getUsername()).isEqualTo("root");
        assertThat(this.connectionDetails.getPassword()).isEqualTo("s3cret");
    }

    @Test
    void theTemplateAuthenticatesWritesAndReads() {
        this.etcdOperations.set("/service-connection/greeting", "hello");
        assertThat(this.etcdOperations.get("/service-connection/greeting")).isEqualTo("hello");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(EtcdAutoConfiguration.class)
    static class EtcdOnly {
    }
}
