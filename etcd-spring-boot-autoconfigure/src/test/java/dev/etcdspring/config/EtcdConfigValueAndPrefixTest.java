package dev.etcdspring.config;

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
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * An {@code etcd:} import of a v3 prefix holding a key with a value and keys below it (written as etcdctl would),
 * which the directory API cannot show: the import reads v3 as v3, and gives both properties; a key that cannot be
 * a property name fails the read naming it.
 */
class EtcdConfigValueAndPrefixTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private RawV3 raw;

    private EtcdTemplate etcdTemplate;

    @BeforeEach
    void writeBoth() {
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
    void aKeyWithAValueAndKeysBelowItGivesBothProperties() {
        EtcdPropertySource.Snapshot snapshot = EtcdConfigReader.read(this.etcdTemplate, "/config/c/",
                EtcdConfigFormat.KEY_VALUE);
        assertThat(snapshot.values()).containsExactly(entry("demo.title", "from etcd"), entry("server", "x"),
                entry("server.port", "8081"));
        assertThat(snapshot.keys()).containsEntry("server", "/config/c/server")
            .containsEntry("server.port", "/config/c/server/port");
        assertThat(EtcdConfigReader.read(this.etcdTemplate, "/config/c/server/", EtcdConfigFormat.KEY_VALUE).values())
            .containsExactly(entry("port", "8081"));
        // the directory API, by contrast, refuses to show part of it
        assertThatExceptionOfType(EtcdKeyspaceConflictException.class)
            .isThrownBy(() -> this.etcdTemplate.getTree("/config/c"));
    }

    @Test
    void theImportHasBothAndAKeyWithAnEmptySegmentFailsTheStartNamingIt() {
        try (ConfigurableApplicationContext context = start()) {
            assertThat(context.getEnvironment().getProperty("server")).isEqualTo("x");
            assertThat(context.getEnvironment().getProperty("server.port")).isEqualTo("8081");
        }
        this.raw.put("/config/c//empty", "e");
        assertThatException().isThrownBy(() -> start().close())
            .satisfies((ex) -> assertThat(ex).hasStackTraceContaining(
                    "etcd key '/config/c//empty' below '/config/c/' has an empty segment"));
    }

    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(ConfigTestApplication.class).web(WebApplicationType.NONE)
            .run("--spring.config.import=etcd:/config/c/", "--etcd.api=v3", "--etcd.endpoints=" + etcd.endpoint(),
                    "--spring.main.banner-mode=off", "--management.health.etcd.enabled=false",
                    "--etcd.config.watch.enabled=false");
    }
}
