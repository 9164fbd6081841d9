package dev.etcdspring.autoconfigure.testcontainers;

import java.net.URI;

import dev.etcdspring.autoconfigure.EtcdAutoConfiguration;
import dev.etcdspring.autoconfigure.EtcdConnectionDetails;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole {@code @SpringBootTest} path of a {@code @ServiceConnection} field, from the field to a round trip
 * through the auto-configured template, without Docker: the "container" is a local etcd process that an
 * {@link UnstartedContainer} points at.
 */
@SpringBootTest(classes = EtcdContainerConnectionDetailsFactorySpringBootTest.EtcdOnly.class)
class EtcdContainerConnectionDetailsFactorySpringBootTest {

    @RegisterExtension
    static final EtcdClusterExtension localEtcd = EtcdClusterExtension.single();

    // The address is asked for when the connection details are first used, after the extension started etcd.
    @ServiceConnection
    static final UnstartedContainer etcd = new UnstartedContainer("quay.io/coreos/etcd:v3.5.17",
            () -> URI.create(localEtcd.endpoint()));

    @Autowired
    private EtcdConnectionDetails connectionDetails;

    @Autowired
    private EtcdOperations etcdOperations;

    @Test
    void theConnectionDetailsComeFromTheField() {
        assertThat(this.connectionDetails)
            .isInstanceOf(EtcdContainerConnectionDetailsFactory.EtcdContainerConnectionDetails.class);
        assertThat(this.connectionDetails.getEndpoints()).containsExactly(localEtcd.endpoint());
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
