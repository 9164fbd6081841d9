package dev.etcdspring.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.etcdspring.config.ConfigTestApplication.DemoProperties;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdCluster;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code spring.config.import=etcd:...} against a real etcd, on both APIs: whole applications started with their
 * configuration in etcd.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class EtcdConfigDataTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private EtcdTemplate etcdTemplate;

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @TempDir
    Path dir;

    EtcdConfigDataTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void template() {
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.etcdTemplate.deleteAll("/config");
    }

    @AfterEach
    void close() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
        this.etcdTemplate.close();
    }

    private ConfigurableApplicationContext start(String... args) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class)
            .web(WebApplicationType.NONE)
            .run(ConfigTestApplication.withDefaults(List.of(args),
                    "--etcd.api=" + this.api.name().toLowerCase(java.util.Locale.ROOT), "--spring.main.banner-mode=off",
                    "--management.health.etcd.enabled=false", "--etcd.endpoints=" + etcd.endpoint()));
        this.contexts.add(context);
        return context;
    }

    /** An application.yml of its own, in a temporary directory, replacing the class path's. */
    private String applicationYaml(String yaml) throws Exception {
        Path file = this.dir.resolve("application.yml");
        Files.writeString(file, yaml);
        return "--spring.config.location=" + file.toUri();
    }

    private void writeDemoTree(String path) {
        this.etcdTemplate.set(path + "/demo/title", "Hello from etcd");
        this.etcdTemplate.set(path + "/demo/servers/0/host", "alpha");
        this.etcdTemplate.set(path + "/demo/servers/0/port", "8001");
        this.etcdTemplate.set(path + "/demo/servers/1/host", "beta");
        this.etcdTemplate.set(path + "/demo/servers/1/port", "8002");
        this.etcdTemplate.set(path + "/demo/flags/dark-mode", "true");
        this.etcdTemplate.set(path + "/demo/flags/beta", "false");
        this.etcdTemplate.set(path + "/demo/nested/timeout", "5s");
        this.etcdTemplate.set(path + "/server/port", "8081");
        this.etcdTemplate.set(path + "/spring.datasource.url", "jdbc:h2:mem:etcd");
    }

    @Test
    void nestedObjectsListsAndMapsBindFromEtcd() {
        writeDemoTree("/config/myapp");
        ConfigurableApplicationContext context = start("--spring.config.import=etcd:/config/myapp/");
        DemoProperties demo = context.getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("Hello from etcd");
        assertThat(demo.getServers()).extracting(DemoProperties.Server::getHost).containsExactly("alpha", "beta");
        assertThat(demo.getServers()).extracting(DemoProperties.Server::getPort).containsExactly(8001, 8002);
        assertThat(demo.getFlags()).isEqualTo(Map.of("dark-mode", true, "beta", false));
        assertThat(demo.getNested().getTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(demo.getFooter()).as("not in etcd: the default").isEqualTo("default footer");
        assertThat(context.getBean(ConfigTestApplication.Greeter.class).title()).isEqualTo("Hello from etcd");
        assertThat(context.getEnvironment().getProperty("server.port")).isEqualTo("8081");
        assertThat(context.getEnvironment().getProperty("spring.datasource.url")).as("a segment with dots")
            .isEqualTo("jdbc:h2:mem:etcd");
    }

    @Test
    void thePropertySourceIsNamedForItsPathSaysWhereEachValueCameFromAndKnowsItsIndex() {
        writeDemoTree("/config/myapp");
        long written = this.etcdTemplate.set("/config/myapp/last", "x").etcdIndex();
        ConfigurableApplicationContext context = start("--spring.config.import=etcd:/config/myapp");
        PropertySource<?> source = context.getEnvironment().getPropertySources().get("etcd:/config/myapp/");
        assertThat(source).isInstanceOf(EtcdPropertySource.class);
        EtcdPropertySource etcdSource = (EtcdPropertySource) source;
        assertThat(etcdSource.getPropertyNames()).contains("demo.title", "demo.servers[0].host", "server.port",
                "spring.datasource.url", "last");
        assertThat(etcdSource.getIndex()).isGreaterThanOrEqualTo(written);
        assertThat(((OriginLookup<String>) etcdSource).getOrigin("server.port"))
            .hasToString("etcd key /config/myapp/server/port");
        assertThat(etcdSource.toString()).doesNotContain("Hello from etcd");
        assertThat(context.getBean(EtcdTemplate.class)).as("the client that loaded the configuration, promoted")
            .isSameAs(context.getBean(EtcdConfigClient.class).getTemplate());
        assertThat(context.getBeansOfType(EtcdTemplate.class)).hasSize(1);
    }

    @Test
    void aBindingErrorNamesTheEtcdKey() {
        this.etcdTemplate.set("/config/bad/demo/nested/timeout", "not a duration");
        assertThatException().isThrownBy(() -> start("--spring.config.import=etcd:/config/bad/"))
            .satisfies((ex) -> {
                org.springframework.boot.context.properties.bind.BindException bind = null;
                for (Throwable t = ex; t != null; t = t.getCause()) {
                    if (t instanceof org.springframework.boot.context.properties.bind.BindException b) {
                        bind = b;
                    }
                }
                assertThat(bind).isNotNull();
                assertThat(bind.getProperty().getName()).hasToString("demo.nested.timeout");
                assertThat(bind.getProperty().getOrigin()).hasToString("etcd key /config/bad/demo/nested/timeout");
            });
    }

    @Test
    void etcdWinsOverTheFileThatImportsItAndTheFileFillsTheRest() throws Exception {
        writeDemoTree("/config/myapp");
        ConfigurableApplicationContext context = start(applicationYaml("""
                spring.config.import: etcd:/config/myapp/
                demo:
                  title: from the yaml file
                  footer: from the yaml file
                """));
        DemoProperties demo = context.getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("Hello from etcd");
        assertThat(demo.getFooter()).isEqualTo("from the yaml file");
    }

    @Test
    void aProfilesPathWinsOverThePlainOneAndOnlyForThatProfile() {
        this.etcdTemplate.set("/config/myapp/demo/title", "plain");
        this.etcdTemplate.set("/config/myapp/demo/footer", "plain footer");
        this.etcdTemplate.set("/config/myapp,dev/demo/title", "dev");
        DemoProperties dev = start("--spring.config.import=etcd:/config/myapp/", "--spring.profiles.active=dev")
            .getBean(DemoProperties.class);
        assertThat(dev.getTitle()).isEqualTo("dev");
        assertThat(dev.getFooter()).isEqualTo("plain footer");
        DemoProperties prod = start("--spring.config.import=etcd:/config/myapp/", "--spring.profiles.active=prod")
            .getBean(DemoProperties.class);
        assertThat(prod.getTitle()).as("no /config/myapp,prod/: the plain path").isEqualTo("plain");
    }

    @Test
    void laterPathsWinWithinOneImportAndAcrossImports() {
        this.etcdTemplate.set("/config/a/demo/title", "a");
        this.etcdTemplate.set("/config/a/demo/footer", "a");
        this.etcdTemplate.set("/config/b/demo/title", "b");
        DemoProperties oneImport = start("--spring.config.import=etcd:/config/a/;/config/b/")
            .getBean(DemoProperties.class);
        assertThat(oneImport.getTitle()).isEqualTo("b");
        assertThat(oneImport.getFooter()).isEqualTo("a");
        DemoProperties twoImports = start("--spring.config.import=etcd:/config/b/,etcd:/config/a/")
            .getBean(DemoProperties.class);
        assertThat(twoImports.getTitle()).isEqualTo("a");
    }

    @Test
    void aBareEtcdImportLoadsTheDefaultContextsInOrder() {
        this.etcdTemplate.set("/config/application/demo/title", "application");
        this.etcdTemplate.set("/config/application/demo/footer", "application");
        this.etcdTemplate.set("/config/application/server/port", "1");
        this.etcdTemplate.set("/config/application,dev/server/port", "2");
        this.etcdTemplate.set("/config/application,dev/demo/footer", "application,dev");
        this.etcdTemplate.set("/config/shop/demo/title", "shop");
        this.etcdTemplate.set("/config/shop,dev/demo/nested/timeout", "9s");
        ConfigurableApplicationContext context = start("--spring.config.import=etcd:", "--spring.application.name=shop",
                "--spring.profiles.active=dev");
        DemoProperties demo = context.getBean(DemoProperties.class);
        assertThat(demo.getTitle()).as("{name} over application").isEqualTo("shop");
        assertThat(demo.getFooter()).as("application,{profile} over application").isEqualTo("application,dev");
        assertThat(demo.getNested().getTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(context.getEnvironment().getProperty("server.port")).isEqualTo("2");
    }

    @Test
    void theDefaultContextsMayBeAbsent() {
        DemoProperties demo = start("--spring.config.import=etcd:", "--spring.application.name=empty")
            .getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("default title");
    }

    @Test
    void thePrefixOfTheDefaultContextsIsAProperty() {
        this.etcdTemplate.set("/apps/cfg/shop/demo/title", "under another prefix");
        DemoProperties demo = start("--spring.config.import=etcd:", "--spring.application.name=shop",
                "--etcd.config.prefix=/apps/cfg").getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("under another prefix");
    }

    @Test
    void aMissingPathFailsTheStartLikeAMissingFileUnlessOptional() {
        assertThatException().isThrownBy(() -> start("--spring.config.import=etcd:/config/nothing-here/"))
            .satisfies((ex) -> assertThat(ex).isInstanceOf(ConfigDataResourceNotFoundException.class)
                .hasMessageContaining("etcd:/config/nothing-here/"));
        DemoProperties demo = start("--spring.config.import=optional:etcd:/config/nothing-here/")
            .getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("default title");
    }

    @Test
    void etcdOutOfReachFailsTheStartNamingEndpointAndPathAfterTheRetries() {
        String nowhere = "http://127.0.0.1:" + EtcdCluster.freePort();
        assertThatException()
            .isThrownBy(() -> start("--spring.config.import=etcd:/config/myapp/", "--etcd.endpoints=" + nowhere,
                    "--etcd.config.retry.max-attempts=3", "--etcd.config.retry.initial-interval=10ms"))
            .satisfies((ex) -> {
                assertThat(ex).isInstanceOf(EtcdConfigDataException.class)
                    .hasMessageContaining(nowhere)
                    .hasMessageContaining("/config/myapp/")
                    .hasMessageContaining("3 attempts");
                FailureAnalysis analysis = new EtcdConfigDataFailureAnalyzer().analyze(ex);
                assertThat(analysis.getAction()).contains("optional:etcd:/config/myapp/", "etcd.config.fail-fast");
            });
    }

    @Test
    void etcdOutOfReachIsOnlyAWarningForAnOptionalImportOrWithoutFailFast() {
        String nowhere = "http://127.0.0.1:" + EtcdCluster.freePort();
        DemoProperties optional = start("--spring.config.import=optional:etcd:/config/myapp/",
                "--etcd.endpoints=" + nowhere, "--etcd.config.retry.max-attempts=1").getBean(DemoProperties.class);
        assertThat(optional.getTitle()).isEqualTo("default title");
        DemoProperties lenient = start("--spring.config.import=etcd:/config/myapp/", "--etcd.endpoints=" + nowhere,
                "--etcd.config.retry.max-attempts=1", "--etcd.config.fail-fast=false").getBean(DemoProperties.class);
        assertThat(lenient.getTitle()).isEqualTo("default title");
    }

    @Test
    void aYamlDocumentInOneKey() {
        this.etcdTemplate.set("/config/yamlapp", """
                demo:
                  title: from a yaml key
                  servers:
                    - host: one
                      port: 1
                    - host: two
                      port: 2
                  flags:
                    dark-mode: true
                """);
        DemoProperties demo = start("--spring.config.import=etcd:/config/yamlapp", "--etcd.config.format=yaml")
            .getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("from a yaml key");
        assertThat(demo.getServers()).extracting(DemoProperties.Server::getHost).containsExactly("one", "two");
        assertThat(demo.getFlags()).containsEntry("dark-mode", true);
    }

    @Test
    void aPropertiesDocumentInOneKey() {
        this.etcdTemplate.set("/config/propsapp", "demo.title=from a properties key\ndemo.servers[0].host=solo\n");
        DemoProperties demo = start("--spring.config.import=etcd:/config/propsapp/",
                "--etcd.config.format=properties").getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("from a properties key");
        assertThat(demo.getServers()).extracting(DemoProperties.Server::getHost).containsExactly("solo");
    }

    @Test
    void unicodeAndSpecialCharactersArriveExactly() {
        String value = "Grüße, 世界! \"quoted\" 'single' tab\there\nnew line % & = ? # \\ back 🎉";
        this.etcdTemplate.set("/config/myapp/demo/title", value);
        this.etcdTemplate.set("/config/myapp/demo/flags/ünïcode key", "true");
        DemoProperties demo = start("--spring.config.import=etcd:/config/myapp/").getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo(value);
        assertThat(demo.getFlags()).containsEntry("ünïcode key", true);
    }

    @Test
    void valuesAreNeverLogged(org.springframework.boot.test.system.CapturedOutput output) {
        this.etcdTemplate.set("/config/myapp/demo/title", "s3cr3t-config-value");
        start("--spring.config.import=etcd:/config/myapp/", "--logging.level.dev.etcdspring=trace",
                "--logging.level.org.springframework.boot.context.config=trace");
        assertThat(output.getAll()).contains("Loaded 1 properties from etcd path /config/myapp/")
            .doesNotContain("s3cr3t-config-value");
    }

    @Test
    void aDocumentThatDoesNotParseFailsTheStartNamingTheKeyWithoutQuotingIt() {
        this.etcdTemplate.set("/config/broken", "demo:\n  title: [s3cret-unclosed\n");
        assertThatException()
            .isThrownBy(() -> start("--spring.config.import=etcd:/config/broken", "--etcd.config.format=yaml"))
            .satisfies((ex) -> {
                assertThat(ex).hasStackTraceContaining("etcd key /config/broken does not hold a valid yaml document");
                assertThat(ex).satisfies((e) -> {
                    java.io.StringWriter trace = new java.io.StringWriter();
                    e.printStackTrace(new java.io.PrintWriter(trace));
                    assertThat(trace.toString()).doesNotContain("s3cret-unclosed");
                });
            });
    }
}
