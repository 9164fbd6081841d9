package dev.etcdspring.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata the configuration processor generates from {@link EtcdProperties} (and the hand-written
 * additions): every {@code etcd.*} property is described and has its default, and the enumerated ones list their
 * values.
 */
class ConfigurationMetadataTest {

    private static JsonNode metadata() throws Exception {
        try (InputStream in = ConfigurationMetadataTest.class
            .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata on the class path").isNotNull();
            return JsonMapper.builder().build().readTree(in);
        }
    }

    @Test
    void everyPropertyIsDescribedAndTheSimpleOnesHaveTheirDefault() throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode property : metadata().path("properties")) {
            String name = property.path("name").asString();
            names.add(name);
            assertThat(property.path("description").asString("")).as(name).isNotBlank();
            // The backend's default is the socket backend's choice for the endpoints: its description says so.
            // Leader election is on by default only for an application's Candidate, and the default id is random.
            if (!name.equals("etcd.username") && !name.equals("etcd.password") && !name.equals("etcd.ssl.bundle")
                    && !name.equals("etcd.http-backend") && !name.equals("etcd.coordination.leader.enabled")
                    && !name.equals("etcd.coordination.leader.id")) {
                assertThat(property.has("defaultValue")).as("default of " + name).isTrue();
            }
        }
        assertThat(names).contains("etcd.endpoints", "etcd.api", "etcd.timeout", "etcd.connect-timeout",
                "etcd.read-consistency", "etcd.http-backend", "etcd.username", "etcd.password", "etcd.ssl.bundle",
                "etcd.swap.max-attempts", "etcd.swap.timeout", "etcd.watch.initial-backoff", "etcd.watch.max-backoff",
                "etcd.health.timeout", "management.health.etcd.enabled", "etcd.config.prefix", "etcd.config.format",
                "etcd.config.fail-fast", "etcd.config.retry.max-attempts", "etcd.config.retry.initial-interval",
                "etcd.config.retry.multiplier", "etcd.config.retry.max-interval", "etcd.coordination.ttl",
                "etcd.coordination.lock-prefix", "etcd.coordination.election-prefix", "etcd.coordination.leader.enabled",
                "etcd.coordination.leader.role", "etcd.coordination.leader.id");
    }

    @Test
    void enumeratedPropertiesListTheirValues() throws Exception {
        List<String> hinted = new ArrayList<>();
        for (JsonNode hint : metadata().path("hints")) {
            List<String> values = new ArrayList<>();
            hint.path("values").forEach((value) -> {
                values.add(value.path("value").asString());
                assertThat(value.path("description").asString("")).isNotBlank();
            });
            hinted.add(hint.path("name").asString() + "=" + values);
        }
        assertThat(hinted).contains("etcd.api=[v3, v2]", "etcd.read-consistency=[linearizable, serializable]",
                "etcd.http-backend=[socket, jetty, http-components, jdk, url-connection]",
                "etcd.config.format=[key-value, yaml, properties]");
    }
}
