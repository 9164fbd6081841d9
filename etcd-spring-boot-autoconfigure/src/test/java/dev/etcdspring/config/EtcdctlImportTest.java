package dev.etcdspring.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.etcdspring.config.ConfigTestApplication.DemoProperties;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.kv.DeleteOptions;
import dev.etcdspring.core.kv.KeyRange;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.Etcdctl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * {@code spring.config.import=etcd:} on v3 reads what etcdctl writes, as etcdctl wrote it: the location is the key
 * prefix byte for byte ({@code etcd:shop2/} is not {@code etcd:/shop2/}), a key that is both a value and a prefix
 * gives both properties and both stay live, keys that cannot be property names fail the start naming the key,
 * documents, profiles and the default contexts work on flat keys; and v2 locations still normalise as before.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdctlImportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    private EtcdTemplate v3;

    private Etcdctl etcdctl;

    @BeforeEach
    void clean() {
        this.v3 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        this.v3.opsForKeyValue().delete(new byte[] { 0 }, DeleteOptions.defaults().range(KeyRange.fromKey()));
        this.etcdctl = Etcdctl.at(etcd.endpoint());
    }

    @AfterEach
    void close() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
        this.v3.close();
    }

    private ConfigurableApplicationContext start(EtcdApi api, String... args) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class,
                Watching.class)
            .web(WebApplicationType.NONE)
            .run(ConfigTestApplication.withDefaults(List.of(args),
                    "--etcd.api=" + api.name().toLowerCase(java.util.Locale.ROOT), "--spring.main.banner-mode=off",
                    "--management.health.etcd.enabled=false", "--etcd.endpoints=" + etcd.endpoint(),
                    "--etcd.config.watch.delay=50ms", EtcdConfigWatchTest.WITHOUT_SPRING_CLOUD));
        this.contexts.add(context);
        return context;
    }

    private ConfigurableApplicationContext start(String... args) {
        return start(EtcdApi.V3, args);
    }

    /** The failure of a start whose cause chain holds an {@link InvalidEtcdDocumentException}, with its message. */
    private String invalidDocumentMessage(String... args) {
        List<String> messages = new ArrayList<>();
        assertThatException().isThrownBy(() -> start(args)).satisfies((ex) -> {
            for (Throwable t = ex; t != null; t = t.getCause()) {
                if (t instanceof InvalidEtcdDocumentException invalid) {
                    messages.add(invalid.getMessage());
                }
            }
        });
        assertThat(messages).as("an InvalidEtcdDocumentException in the cause chain").isNotEmpty();
        return messages.get(0);
    }

    @Test
    void aFlatLocationReadsTheFlatKeysEtcdctlWrote() {
        this.etcdctl.put("shop2/flat", "noslash");
        this.etcdctl.put("/shop2/rooted", "another key");
        ConfigurableApplicationContext context = start("--spring.config.import=etcd:shop2/");
        Environment environment = context.getEnvironment();
        assertThat(environment.getProperty("flat")).isEqualTo("noslash");
        assertThat(environment.getProperty("rooted")).as("/shop2/rooted does not begin with shop2/").isNull();
        EtcdPropertySource source = (EtcdPropertySource) context.getEnvironment()
            .getPropertySources()
            .get("etcd:shop2/");
        assertThat(source).as("named for the prefix as written").isNotNull();
        assertThat(source.getPropertyNames()).containsExactly("flat");
        assertThat(((OriginLookup<String>) source).getOrigin("flat")).hasToString("etcd key shop2/flat");
        assertThat(start("--spring.config.import=etcd:shop2").getEnvironment().getProperty("flat"))
            .as("a trailing / added, no leading one").isEqualTo("noslash");
    }

    @Test
    void aRootedLocationDoesNotSeeFlatKeys() {
        this.etcdctl.put("shop2/flat", "noslash");
        assertThatException().isThrownBy(() -> start("--spring.config.import=etcd:/shop2/"))
            .isInstanceOf(ConfigDataResourceNotFoundException.class)
            .withMessageContaining("etcd:/shop2/");
        ConfigurableApplicationContext context = start("--spring.config.import=optional:etcd:/shop2/");
        assertThat(context.getEnvironment().getProperty("flat")).isNull();
        // Optional and absent, it is watched: a rooted key written later arrives, the flat one still does not.
        this.etcdctl.put("/shop2/rooted", "later");
        await().atMost(WAIT).until(() -> "later".equals(context.getEnvironment().getProperty("rooted")));
        assertThat(context.getEnvironment().getProperty("flat")).isNull();
    }

    @Test
    void aKeyThatIsAValueAndAPrefixGivesBothPropertiesAndBothStayLive() {
        this.etcdctl.put("/cfg/server", "x");
        this.etcdctl.put("/cfg/server/port", "8080");
        ConfigurableApplicationContext context = start("--spring.config.import=etcd:/cfg/");
        Environment environment = context.getEnvironment();
        ServerSettings server = context.getBean(ServerSettings.class);
        Changes changes = context.getBean(Changes.class);
        assertThat(environment.getProperty("server")).isEqualTo("x");
        assertThat(environment.getProperty("server.port")).isEqualTo("8080");
        assertThat(server.getPort()).isEqualTo(8080);

        this.etcdctl.put("/cfg/server/port", "9090");
        await().atMost(WAIT).until(() -> server.getPort() == 9090);
        assertThat(environment.getProperty("server.port")).isEqualTo("9090");
        assertThat(environment.getProperty("server")).isEqualTo("x");

        this.etcdctl.put("/cfg/server", "y");
        await().atMost(WAIT).until(() -> "y".equals(environment.getProperty("server")));
        assertThat(environment.getProperty("server.port")).isEqualTo("9090");
        await().atMost(WAIT).until(() -> changes.names().contains("server"));
        assertThat(changes.names()).contains("server.port", "server");
        assertThat(changes.paths()).containsOnly("/cfg/");

        this.etcdctl.del("/cfg/server");
        await().atMost(WAIT).until(() -> environment.getProperty("server") == null);
        assertThat(environment.getProperty("server.port")).as("the prefix outlives the value").isEqualTo("9090");
        assertThat(server.getPort()).isEqualTo(9090);
    }

    @Test
    void aKeyWithAnEmptySegmentFailsTheStartNamingIt() {
        this.etcdctl.put("/cfg/ok", "1");
        this.etcdctl.put("/cfg//x", "v");
        assertThat(invalidDocumentMessage("--spring.config.import=etcd:/cfg/")).contains("'/cfg//x'")
            .contains("empty segment");
    }

    @Test
    void aKeyEndingWithASlashFailsTheStartNamingIt() {
        this.etcdctl.put("/cfg/ok", "1");
        this.etcdctl.put("/cfg/dir/", "a directory marker");
        assertThat(invalidDocumentMessage("--spring.config.import=etcd:/cfg/")).contains("'/cfg/dir/'");
    }

    @Test
    void aValueThatIsNotUtf8FailsTheStartNamingTheKeyWithoutQuotingTheValue() {
        this.etcdctl.put("/cfg/ok", "1");
        byte[] value = "s3cret\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        this.etcdctl.put("/cfg/binary", value);
        String message = invalidDocumentMessage("--spring.config.import=etcd:/cfg/");
        assertThat(message).contains("/cfg/binary").contains("UTF-8").doesNotContain("s3cret");
    }

    @Test
    void aKeyThatIsNotUtf8FailsTheStartNamingItEscaped() {
        this.etcdctl.put("/cfg/ok", "1");
        byte[] key = new byte[] { '/', 'c', 'f', 'g', '/', 'k', (byte) 0xFF };
        this.etcdctl.put(key, "v".getBytes(StandardCharsets.UTF_8));
        assertThat(invalidDocumentMessage("--spring.config.import=etcd:/cfg/")).contains("/cfg/k\\xff");
    }

    @Test
    void aYamlDocumentWrittenByEtcdctlIsTheKeyThatIsThePathWithoutItsSlash() {
        String yaml = """
                demo:
                  title: from etcdctl
                  servers:
                    - host: one
                      port: 1
                  flags:
                    dark-mode: true
                """;
        this.etcdctl.put("shop3/app", yaml.getBytes(StandardCharsets.UTF_8));
        ConfigurableApplicationContext context = start("--spring.config.import=etcd:shop3/app/",
                "--etcd.config.format=yaml");
        DemoProperties demo = context.getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("from etcdctl");
        assertThat(demo.getServers()).extracting(DemoProperties.Server::getHost).containsExactly("one");
        assertThat(demo.getFlags()).containsEntry("dark-mode", true);
        assertThat(start("--spring.config.import=etcd:shop3/app", "--etcd.config.format=yaml")
            .getBean(DemoProperties.class)
            .getTitle()).isEqualTo("from etcdctl");
        assertThatException()
            .isThrownBy(() -> start("--spring.config.import=etcd:/shop3/app/", "--etcd.config.format=yaml"))
            .isInstanceOf(ConfigDataResourceNotFoundException.class);

        this.etcdctl.put("shop3/app", "demo:\n  title: changed by etcdctl\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> demo.getTitle().equals("changed by etcdctl"));
        assertThat(demo.getServers()).isEmpty();
    }

    @Test
    void aProfilesPathOnFlatKeys(CapturedOutput output) {
        this.etcdctl.put("shop4/demo/title", "plain");
        this.etcdctl.put("shop4/demo/footer", "plain footer");
        this.etcdctl.put("shop4,dev/demo/title", "dev");
        this.etcdctl.put("/shop4,dev/demo/footer", "rooted: not this one");
        DemoProperties dev = start("--spring.config.import=etcd:shop4/", "--spring.profiles.active=dev")
            .getBean(DemoProperties.class);
        assertThat(dev.getTitle()).isEqualTo("dev");
        assertThat(dev.getFooter()).isEqualTo("plain footer");
        assertThat(start("--spring.config.import=etcd:shop4/", "--spring.profiles.active=prod")
            .getBean(DemoProperties.class)
            .getTitle()).isEqualTo("plain");
        assertThat(output.getAll()).as("an absent profile's path is absent, not etcd out of reach")
            .doesNotContain("Could not load configuration from etcd path");
        assertThat(this.contexts.get(1).getBean(EtcdConfigClient.class).isUnreachable()).isFalse();
    }

    @Test
    void theDefaultContextsUnderAFlatPrefix() {
        this.etcdctl.put("apps/application/demo/title", "application");
        this.etcdctl.put("apps/application/demo/footer", "application");
        this.etcdctl.put("apps/application,dev/demo/footer", "application,dev");
        this.etcdctl.put("apps/shop/demo/title", "shop");
        this.etcdctl.put("apps/shop,dev/demo/nested/timeout", "9s");
        this.etcdctl.put("/apps/shop/demo/title", "rooted: not this one");
        ConfigurableApplicationContext context = start("--spring.config.import=etcd:",
                "--spring.application.name=shop", "--spring.profiles.active=dev", "--etcd.config.prefix=apps");
        DemoProperties demo = context.getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("shop");
        assertThat(demo.getFooter()).isEqualTo("application,dev");
        assertThat(demo.getNested().getTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(context.getEnvironment().getPropertySources().get("etcd:apps/shop,dev/")).isNotNull();
    }

    @Test
    void theDefaultContextsUnderTheDefaultPrefix() {
        this.etcdctl.put("/config/application/demo/footer", "application");
        this.etcdctl.put("/config/shop/demo/title", "shop");
        this.etcdctl.put("config/shop/demo/title", "flat: not this one");
        DemoProperties demo = start("--spring.config.import=etcd:", "--spring.application.name=shop")
            .getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("shop");
        assertThat(demo.getFooter()).isEqualTo("application");
    }

    @Test
    void v2LocationsStillNormalise() {
        try (EtcdTemplate v2 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V2).build()) {
            v2.deleteAll("/config");
            v2.set("/config/v2app/demo/title", "v2");
            v2.set("/config/application/demo/footer", "v2 application");
            ConfigurableApplicationContext context = start(EtcdApi.V2, "--spring.config.import=etcd:config/v2app");
            assertThat(context.getBean(DemoProperties.class).getTitle()).isEqualTo("v2");
            assertThat(context.getEnvironment().getPropertySources().get("etcd:/config/v2app/"))
                .as("a leading and a trailing / added").isNotNull();
            assertThat(start(EtcdApi.V2, "--spring.config.import=etcd://config/v2app//").getBean(DemoProperties.class)
                .getTitle()).isEqualTo("v2");
            assertThat(start(EtcdApi.V2, "--spring.config.import=etcd:", "--etcd.config.prefix=config")
                .getBean(DemoProperties.class)
                .getFooter()).isEqualTo("v2 application");
            assertThatException().isThrownBy(() -> start(EtcdApi.V2, "--spring.config.import=etcd:/config//v2app/"))
                .satisfies((ex) -> assertThat(ex).hasStackTraceContaining("has an empty, '.' or '..' segment"));
            v2.deleteAll("/config");
        }
    }

    /** A bean bound from {@code server.*}, and the change events. */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ServerSettings.class)
    static class Watching {

        @Bean
        Changes changes() {
            return new Changes();
        }
    }

    @ConfigurationProperties("server")
    static class ServerSettings {

        private int port;

        public int getPort() {
            return this.port;
        }

        public void setPort(int port) {
            this.port = port;
        }
    }

    static class Changes {

        final List<EtcdConfigChangedEvent> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(EtcdConfigChangedEvent event) {
            this.events.add(event);
        }

        Set<String> names() {
            Set<String> names = new TreeSet<>();
            this.events.forEach((event) -> names.addAll(event.getChangedNames()));
            return names;
        }

        Set<String> paths() {
            Set<String> paths = new TreeSet<>();
            this.events.forEach((event) -> paths.add(event.getPath()));
            return paths;
        }
    }
}
