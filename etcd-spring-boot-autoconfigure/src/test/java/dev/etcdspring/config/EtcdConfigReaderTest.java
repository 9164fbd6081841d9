package dev.etcdspring.config;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a path into property names and values against a real etcd, on both APIs: one request per path however
 * large the tree, and the names keys become.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdConfigReaderTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    EtcdConfigReaderTest(EtcdApi api) {
        this.api = api;
    }

    @Test
    void aTreeOfHundredsOfKeysIsReadWithOneRequest() {
        AtomicInteger requests = new AtomicInteger();
        RestClient.Builder counting = RestClient.builder().requestInterceptor((request, body, execution) -> {
            requests.incrementAndGet();
            return execution.execute(request, body);
        });
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .restClientBuilder(counting)
            .build()) {
            IntStream.range(0, 300).parallel().forEach((i) -> etcdTemplate
                .set("/config/big/group" + (i % 10) + "/item" + (i / 10) + "/value", Integer.toString(i)));
            requests.set(0);
            EtcdPropertySource.Snapshot snapshot = EtcdConfigReader.read(etcdTemplate, "/config/big/",
                    EtcdConfigFormat.KEY_VALUE);
            assertThat(requests).as("requests for one load").hasValue(1);
            assertThat(snapshot.values()).hasSize(300).containsEntry("group3.item7.value", "73");
            assertThat(snapshot.keys()).containsEntry("group3.item7.value", "/config/big/group3/item7/value");
            assertThat(snapshot.index()).isPositive();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "server/port | server.port", "servers/0/host | servers[0].host",
            "servers/12/ports/3 | servers[12].ports[3]", "0/x | 0.x", "spring.datasource.url | spring.datasource.url",
            "flags/dark mode | flags[dark mode]", "flags/ünïcode | flags[ünïcode]", "camelCase/Key | camelCase.Key",
            "a_b/c-d | a_b.c-d" })
    void keysBecomePropertyNames(String relativeKey, String propertyName) {
        assertThat(EtcdConfigReader.propertyName(relativeKey)).isEqualTo(propertyName);
    }
}
