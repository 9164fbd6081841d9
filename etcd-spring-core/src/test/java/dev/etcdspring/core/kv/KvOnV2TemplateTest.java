package dev.etcdspring.core.kv;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A template that speaks the v2 API has no v3-native operations: asking for them fails at once with a message that
 * names the API the template speaks and says how to get them, and the template goes on working.
 */
class KvOnV2TemplateTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void opsForKeyValueOnAV2TemplateSaysItNeedsV3AndHow() {
        try (EtcdTemplate v2 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V2).build()) {
            assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(v2::opsForKeyValue)
                .withMessageContaining("opsForKeyValue()")
                .withMessageContaining("v3 API")
                .withMessageContaining("EtcdApi.V2")
                .withMessageContaining("api(EtcdApi.V3)");
            v2.set("/still/works", "v");
            assertThat(v2.get("/still/works")).isEqualTo("v");
        }
    }

    @Test
    void opsForLeasesOnAV2TemplateSaysItNeedsV3AndHow() {
        try (EtcdTemplate v2 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V2).build()) {
            assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(v2::opsForLeases)
                .withMessageContaining("opsForLeases()")
                .withMessageContaining("leases")
                .withMessageContaining("EtcdApi.V2")
                .withMessageContaining("api(EtcdApi.V3)");
        }
    }

    @Test
    void aV3TemplateHasBoth() {
        try (EtcdTemplate v3 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build()) {
            assertThat(v3.opsForKeyValue()).isSameAs(v3.opsForKeyValue());
            assertThat(v3.opsForLeases()).isNotNull();
        }
    }
}
