package dev.etcdspring.core;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * etcd 3.4 without {@code --enable-v2}, as it runs by default: every v2 request says why it cannot work and
 * what to do, and the v3 API works.
 */
class V2DisabledTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single().withoutV2();

    @Test
    void v2RequestsExplainThatTheServerDoesNotServeV2() {
        EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V2).build();
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.get("k")).satisfies((e) -> {
            assertThat(e.getMessage()).isEqualTo("etcd at " + etcd.endpoint() + " does not serve the v2 API: etcd "
                    + "3.4/3.5 need --enable-v2=true, etcd 3.6+ removed it; use EtcdApi.V3");
            assertThat(e.getHttpStatus()).isEqualTo(404);
            assertThat(e.getErrorCode()).isZero();
        });
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.set("k", "v"))
            .withMessageContaining("--enable-v2=true");
        assertThat(etcdTemplate.version().server()).startsWith("3.4");
    }

    @Test
    void v3WorksWithoutV2() {
        EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        etcdTemplate.set("k", "v");
        assertThat(etcdTemplate.get("k")).isEqualTo("v");
    }
}
