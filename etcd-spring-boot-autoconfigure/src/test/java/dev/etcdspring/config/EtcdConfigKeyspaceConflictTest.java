package dev.etcdspring.config;

import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdKeyspaceConflictException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.RawV3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An {@code etcd:} import of a v3 path holding keys that the directory model cannot show (here a key with a value
 * and keys below it, written as etcdctl would): the import fails naming the key, rather than load part of the
 * configuration, or none of it as if the path were absent.
 */
class EtcdConfigKeyspaceConflictTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private RawV3 raw;

    private EtcdTemplate etcdTemplate;

    @BeforeEach
    void writeConflict() {
        this.raw = new RawV3(etcd.endpoint());
        this.raw.deleteEverything();
        this.raw.put("/config/c/demo/title", "from etcd");
        this.raw.put("/config/c/server", "x");
        this.raw.put("/config/c/server/port", "8081");
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    @Test
    void readingThePathOrTheKeyAsAPathFailsNamingTheKey() {
        for (String path : List.of("/config/c/", "/config/c/server/")) {
            assertThatExceptionOfType(EtcdKeyspaceConflictException.class)
                .isThrownBy(() -> EtcdConfigReader.read(this.etcdTemplate, path, EtcdConfigFormat.KEY_VALUE))
                .satisfies((ex) -> assertThat(ex.getConflictingKey()).isEqualTo("/config/c/server"));
        }
    }

    @Test
    void theImportFailsTheStartNamingTheKey() {
        assertThatException().isThrownBy(() -> new SpringApplicationBuilder(ConfigTestApplication.class)
            .web(WebApplicationType.NONE)
            .run("--spring.config.import=etcd:/config/c/", "--etcd.api=v3", "--etcd.endpoints=" + etcd.endpoint(),
                    "--spring.main.banner-mode=off", "--management.health.etcd.enabled=false")
            .close())
            .satisfies((ex) -> assertThat(ex).isInstanceOf(EtcdConfigDataException.class)
                .hasMessageContaining("etcd key '/config/c/server' holds a value and has keys below it")
                .hasRootCauseInstanceOf(EtcdKeyspaceConflictException.class));
    }
}
