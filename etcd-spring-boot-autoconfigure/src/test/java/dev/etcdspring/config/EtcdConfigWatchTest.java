package dev.etcdspring.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.etcdspring.config.ConfigTestApplication.DemoProperties;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live configuration against a real etcd, on both APIs, without Spring Cloud: a change in etcd reaches the bound
 * beans and the {@link EtcdConfigChangedEvent} listeners, a delete falls back to the default, an etcd restart loses
 * nothing, a burst is applied a few times only, and nothing is published for what did not change.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
@ExtendWith(OutputCaptureExtension.class)
class EtcdConfigWatchTest {

    /** Spring Cloud is on the test class path for the @RefreshScope test; here the application is without it. */
    static final String WITHOUT_SPRING_CLOUD = "--spring.autoconfigure.exclude="
            + "org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration,"
            + "org.springframework.cloud.autoconfigure.RefreshAutoConfiguration,"
            + "org.springframework.cloud.autoconfigure.RefreshEndpointAutoConfiguration,"
            + "org.springframework.cloud.autoconfigure.LifecycleMvcEndpointAutoConfiguration,"
            + "org.springframework.cloud.autoconfigure.WritableEnvironmentEndpointAutoConfiguration";

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private EtcdTemplate etcdTemplate;

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    EtcdConfigWatchTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void template() {
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.etcdTemplate.deleteAll("/config");
        this.etcdTemplate.set("/config/live/demo/title", "first");
        this.etcdTemplate.set("/config/live/demo/servers/0/host", "alpha");
        this.etcdTemplate.set("/config/live/demo/servers/1/host", "beta");
        this.etcdTemplate.set("/config/live/demo/flags/dark-mode", "true");
    }

    @AfterEach
    void close() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
        this.etcdTemplate.close();
    }

    private ConfigurableApplicationContext start(String... args) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class,
                Listening.class)
            .web(WebApplicationType.NONE)
            .run(ConfigTestApplication.withDefaults(List.of(args),
                    "--etcd.api=" + this.api.name().toLowerCase(java.util.Locale.ROOT), "--spring.main.banner-mode=off",
                    "--management.health.etcd.enabled=false", "--etcd.watch.initial-backoff=50ms",
                    "--etcd.watch.max-backoff=200ms", WITHOUT_SPRING_CLOUD, "--etcd.endpoints=" + etcd.endpoint(),
                    "--spring.config.import=etcd:/config/live/"));
        this.contexts.add(context);
        return context;
    }

    @Test
    void aWriteReachesTheBoundBeanAndTheListeners() {
        ConfigurableApplicationContext context = start();
        DemoProperties demo = context.getBean(DemoProperties.class);
        Changes changes = context.getBean(Changes.class);
        assertThat(demo.getTitle()).isEqualTo("first");
        long index = this.etcdTemplate.set("/config/live/demo/title", "second").etcdIndex();
        await().atMost(WAIT).until(() -> demo.getTitle().equals("second"));
        await().atMost(WAIT).until(() -> !changes.events.isEmpty());
        EtcdConfigChangedEvent event = changes.events.get(0);
        assertThat(event.getChangedNames()).containsExactly("demo.title");
        assertThat(event.getPath()).isEqualTo("/config/live/");
        assertThat(event.getIndex()).isGreaterThanOrEqualTo(index);
        assertThat(context.getEnvironment().getProperty("demo.title")).isEqualTo("second");
    }

    @Test
    void aDeleteFallsBackToTheDefaultAndShortensTheList() {
        ConfigurableApplicationContext context = start();
        DemoProperties demo = context.getBean(DemoProperties.class);
        assertThat(demo.getServers()).hasSize(2);
        this.etcdTemplate.delete("/config/live/demo/title");
        this.etcdTemplate.deleteAll("/config/live/demo/servers/1");
        this.etcdTemplate.delete("/config/live/demo/flags/dark-mode");
        await().atMost(WAIT).until(() -> demo.getTitle().equals("default title"));
        await().atMost(WAIT).until(() -> demo.getServers().size() == 1);
        assertThat(demo.getServers().get(0).getHost()).isEqualTo("alpha");
        await().atMost(WAIT).until(() -> demo.getFlags().isEmpty());
        assertThat(context.getEnvironment().getProperty("demo.title")).isNull();
        Set<String> names = context.getBean(Changes.class).names();
        assertThat(names).contains("demo.title", "demo.servers[1].host", "demo.flags.dark-mode");
    }

    @Test
    void nothingIsPublishedAtStartOrForAWriteThatChangesNothing() {
        ConfigurableApplicationContext context = start();
        Changes changes = context.getBean(Changes.class);
        // The same value again: etcd records a change, the configuration does not change.
        this.etcdTemplate.set("/config/live/demo/title", "first");
        this.etcdTemplate.set("/config/live/demo/footer", "the marker");
        await().atMost(WAIT).until(() -> !changes.events.isEmpty());
        assertThat(changes.names()).as("only the marker, nothing for the start or the unchanged title")
            .containsExactly("demo.footer");
    }

    @Test
    void aChangeWhileEtcdRestartsIsAppliedOnceItIsBack() {
        ConfigurableApplicationContext context = start();
        DemoProperties demo = context.getBean(DemoProperties.class);
        etcd.cluster().restart(0);
        this.etcdTemplate.set("/config/live/demo/title", "after the restart");
        await().atMost(WAIT).until(() -> demo.getTitle().equals("after the restart"));
    }

    @Test
    void aBurstOf500WritesEndsInTheLastStateAfterAFewRefreshes() {
        ConfigurableApplicationContext context = start();
        DemoProperties demo = context.getBean(DemoProperties.class);
        Changes changes = context.getBean(Changes.class);
        for (int i = 0; i < 500; i++) {
            this.etcdTemplate.set("/config/live/demo/title", "write " + i);
        }
        await().atMost(WAIT).until(() -> demo.getTitle().equals("write 499"));
        await().atMost(WAIT).until(() -> changes.events.stream()
            .anyMatch((e) -> context.getEnvironment().getProperty("demo.title").equals("write 499")));
        assertThat(changes.events).as("refreshes for 500 writes").hasSizeBetween(1, 25);
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        assertThat(meters.get("etcd.config.refresh").timer().count()).isGreaterThanOrEqualTo(changes.events.size());
        assertThat(meters.get("etcd.config.index").tag("etcd.path", "/config/live/").gauge().value())
            .isGreaterThanOrEqualTo(this.etcdTemplate.getResponse("/config/live/demo/title").node().modifiedIndex());
    }

    @Test
    void aConstructorBoundBeanIsReportedOnceByName(CapturedOutput output) {
        this.etcdTemplate.set("/config/live/frozen/value", "1");
        ConfigurableApplicationContext context = start();
        assertThat(context.getBean(Frozen.class).value()).isEqualTo("1");
        DemoProperties demo = context.getBean(DemoProperties.class);
        this.etcdTemplate.set("/config/live/frozen/value", "2");
        this.etcdTemplate.set("/config/live/demo/title", "marker 1");
        await().atMost(WAIT).until(() -> demo.getTitle().equals("marker 1"));
        this.etcdTemplate.set("/config/live/frozen/value", "3");
        this.etcdTemplate.set("/config/live/demo/title", "marker 2");
        await().atMost(WAIT).until(() -> demo.getTitle().equals("marker 2"));
        assertThat(context.getBean(Frozen.class).value()).isEqualTo("1");
        String warning = "binds through its constructor and cannot change in place";
        assertThat(output.getAll().split(warning, -1)).as("one warning").hasSize(2);
        assertThat(output.getAll()).contains("frozen-" + Frozen.class.getName());
    }

    @Test
    void aYamlDocumentIsLiveToo() {
        this.etcdTemplate.set("/config/yaml-live", "demo:\n  title: yaml one\n");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class)
            .web(WebApplicationType.NONE)
            .run("--etcd.endpoints=" + etcd.endpoint(), "--etcd.api=" + this.api.name().toLowerCase(java.util.Locale.ROOT),
                    "--spring.config.import=etcd:/config/yaml-live", "--etcd.config.format=yaml",
                    "--management.health.etcd.enabled=false", WITHOUT_SPRING_CLOUD);
        this.contexts.add(context);
        DemoProperties demo = context.getBean(DemoProperties.class);
        assertThat(demo.getTitle()).isEqualTo("yaml one");
        this.etcdTemplate.set("/config/yaml-live", "demo:\n  title: yaml two\n  footer: added\n");
        await().atMost(WAIT).until(() -> demo.getTitle().equals("yaml two"));
        assertThat(demo.getFooter()).isEqualTo("added");
    }

    @Test
    void anOptionalPathThatDidNotExistIsWatchedAndAppliedOnceWritten() {
        ConfigurableApplicationContext context = start("--spring.config.import=etcd:/config/live/,optional:etcd:/config/later/");
        DemoProperties demo = context.getBean(DemoProperties.class);
        this.etcdTemplate.set("/config/later/demo/footer", "arrived later");
        await().atMost(WAIT).until(() -> demo.getFooter().equals("arrived later"));
    }

    @Test
    void anOptionalImportOfAnEtcdOutOfReachIsAppliedOnceEtcdAnswers() throws Exception {
        try (dev.etcdspring.test.TcpProxy link = dev.etcdspring.test.TcpProxy.to(etcd.endpoint())) {
            link.cut();
            ConfigurableApplicationContext context = start("--etcd.endpoints=" + link.url(),
                    "--spring.config.import=optional:etcd:/config/live/", "--etcd.config.retry.max-attempts=1");
            DemoProperties demo = context.getBean(DemoProperties.class);
            assertThat(demo.getTitle()).isEqualTo("default title");
            link.restore();
            await().atMost(WAIT).until(() -> demo.getTitle().equals("first"));
        }
    }

    @Test
    void aValueThatDoesNotBindLeavesTheBeanAsItWasAndIsNotLogged(CapturedOutput output) {
        this.etcdTemplate.set("/config/live/demo/nested/timeout", "3s");
        ConfigurableApplicationContext context = start();
        DemoProperties demo = context.getBean(DemoProperties.class);
        this.etcdTemplate.set("/config/live/demo/title", "changed with it");
        this.etcdTemplate.set("/config/live/demo/nested/timeout", "s3cret-not-a-duration");
        await().atMost(WAIT).until(() -> output.getAll().contains("keeps its previous values"));
        assertThat(demo.getNested().getTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(demo.getTitle()).as("all or nothing").isEqualTo("first");
        assertThat(output.getAll()).contains("demo.nested.timeout").doesNotContain("s3cret-not-a-duration");
        this.etcdTemplate.set("/config/live/demo/nested/timeout", "4s");
        await().atMost(WAIT).until(() -> demo.getNested().getTimeout().equals(Duration.ofSeconds(4)));
        assertThat(demo.getTitle()).isEqualTo("changed with it");
    }

    @Test
    void anApplicationBeanNamedEtcdTemplateLeavesTheConfigurationClientOpen() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class,
                OwnTemplate.class)
            .web(WebApplicationType.NONE)
            .run("--etcd.endpoints=" + etcd.endpoint(), "--etcd.api=" + this.api.name().toLowerCase(java.util.Locale.ROOT),
                    "--spring.config.import=etcd:/config/live/", "--management.health.etcd.enabled=false",
                    WITHOUT_SPRING_CLOUD);
        this.contexts.add(context);
        DemoProperties demo = context.getBean(DemoProperties.class);
        this.etcdTemplate.set("/config/live/demo/title", "still live");
        await().atMost(WAIT).until(() -> demo.getTitle().equals("still live"));
        assertThat(context.getBean(EtcdConfigClient.class).getTemplate().get("/config/live/demo/title"))
            .isEqualTo("still live");
    }

    @Test
    void endpointsTheImportCouldNotSeeAreReported(CapturedOutput output) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class)
            .web(WebApplicationType.NONE)
            .initializers((applicationContext) -> applicationContext.getBeanFactory()
                .registerSingleton("elsewhere", (dev.etcdspring.autoconfigure.EtcdConnectionDetails) () -> List
                    .of("http://127.0.0.1:1")))
            .run("--etcd.endpoints=" + etcd.endpoint() + "/",
                    "--etcd.api=" + this.api.name().toLowerCase(java.util.Locale.ROOT),
                    "--spring.config.import=etcd:/config/live/", "--management.health.etcd.enabled=false",
                    WITHOUT_SPRING_CLOUD);
        this.contexts.add(context);
        assertThat(output.getAll()).contains("it talks to [" + etcd.endpoint() + "], not to [http://127.0.0.1:1]");
        int warnings = output.getAll().split("was built from the etcd.\\* properties known", -1).length - 1;
        assertThat(warnings).isEqualTo(1);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnTemplate {

        @Bean
        @org.springframework.context.annotation.Primary
        EtcdTemplate etcdTemplate() {
            return EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
        }
    }

    @Test
    void offWhenDisabled() {
        ConfigurableApplicationContext context = start("--etcd.config.watch.enabled=false");
        assertThat(context.getBeansOfType(EtcdConfigWatcher.class)).isEmpty();
    }

    @Test
    void theImportsTemplateIsObservedAndMeteredEvenWithoutTheWatch() {
        ConfigurableApplicationContext context = start("--etcd.config.watch.enabled=false");
        EtcdTemplate template = context.getBean(EtcdTemplate.class);
        assertThat(template).isSameAs(context.getBean(EtcdConfigClient.class).getTemplate());
        template.set("/metered/k", "1");
        assertThat(template.swap("/metered/k", (value) -> value + "2")).isEqualTo("12");
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        assertThat(meters.get("etcd.client.requests").tag("etcd.operation", "swap").timer().count()).isEqualTo(1);
        assertThat(meters.get("etcd.client.swap.attempts").tag("outcome", "SUCCESS").summary().count())
            .isEqualTo(1);
    }

    /** Collects the change events, and binds a constructor-bound bean. */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(Frozen.class)
    static class Listening {

        @Bean
        Changes changes() {
            return new Changes();
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
    }

    @ConfigurationProperties("frozen")
    record Frozen(String value) {
    }
}
