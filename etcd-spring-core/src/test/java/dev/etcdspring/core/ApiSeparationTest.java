package dev.etcdspring.core;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The v2 and v3 keyspaces of one etcd are separate: what one API writes, the other does not see, and the same
 * key holds two independent values.
 */
class ApiSeparationTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void v2AndV3DataStayApart() {
        try (EtcdTemplate v2 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V2).build();
                EtcdTemplate v3 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build()) {
            v2.set("/shared/name", "written through v2");
            assertThat(v3.get("/shared/name")).isNull();
            assertThat(v3.getTree("/shared")).isNull();
            v3.set("/shared/name", "written through v3");
            assertThat(v2.get("/shared/name")).isEqualTo("written through v2");
            assertThat(v3.get("/shared/name")).isEqualTo("written through v3");
            v3.deleteAll(null);
            assertThat(v2.get("/shared/name")).isEqualTo("written through v2");
        }
    }
}
