package dev.etcdspring.config;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.config.ConfigTestApplication.DemoProperties;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live configuration with Spring Cloud's {@code spring-cloud-context} on the class path, against a real etcd on both
 * APIs: a change rebuilds {@code @RefreshScope} beans and is announced as an {@link EnvironmentChangeEvent}, and the
 * configuration is not imported a second time for it.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdConfigRefreshScopeTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    EtcdConfigRefreshScopeTest(EtcdApi api) {
        this.api = api;
    }

    @Test
    void aChangeRebuildsRefreshScopeBeans() {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build()) {
            etcdTemplate.deleteAll("/config");
            etcdTemplate.set("/config/cloud/demo/title", "before");
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class,
                    Scoped.class)
                .web(WebApplicationType.NONE)
                .run("--etcd.endpoints=" + etcd.endpoint(),
                        "--etcd.api=" + this.api.name().toLowerCase(java.util.Locale.ROOT),
                        "--spring.config.import=etcd:/config/cloud/", "--management.health.etcd.enabled=false")) {
                Scoped scoped = context.getBean(Scoped.class);
                Greeting greeting = context.getBean(Greeting.class);
                assertThat(greeting.text()).isEqualTo("before");
                assertThat(scoped.built).hasValue(1);
                Object source = context.getEnvironment().getPropertySources().get("etcd:/config/cloud/");

                etcdTemplate.set("/config/cloud/demo/title", "after");

                await().atMost(Duration.ofSeconds(10)).until(() -> greeting.text().equals("after"));
                assertThat(scoped.built).as("the @RefreshScope bean was built again").hasValue(2);
                assertThat(context.getBean(DemoProperties.class).getTitle()).isEqualTo("after");
                await().atMost(Duration.ofSeconds(10)).until(() -> !scoped.environmentChanges.isEmpty());
                assertThat(scoped.environmentChanges.get(0).getKeys()).containsExactly("demo.title");
                assertThat(context.getEnvironment().getPropertySources().get("etcd:/config/cloud/"))
                    .as("the same source, updated: no second import as Spring Cloud's own refresh would make")
                    .isSameAs(source);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Scoped {

        final AtomicInteger built = new AtomicInteger();

        final List<EnvironmentChangeEvent> environmentChanges = new CopyOnWriteArrayList<>();

        @Bean
        @RefreshScope
        Greeting greeting(@Value("${demo.title}") String title) {
            this.built.incrementAndGet();
            return new Greeting(title);
        }

        @EventListener
        void on(EnvironmentChangeEvent event) {
            this.environmentChanges.add(event);
        }
    }

    /** A bean whose value is fixed when it is built. */
    static class Greeting {

        private final String text;

        Greeting(String text) {
            this.text = text;
        }

        String text() {
            return this.text;
        }
    }

    @Test
    void springCloudsOwnRefreshReusesTheClientAndTheWatchFollowsTheNewSource() {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build()) {
            etcdTemplate.deleteAll("/config");
            etcdTemplate.set("/config/cloud/demo/title", "before");
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ConfigTestApplication.class)
                .web(WebApplicationType.NONE)
                .run("--etcd.endpoints=" + etcd.endpoint(),
                        "--etcd.api=" + this.api.name().toLowerCase(java.util.Locale.ROOT),
                        "--spring.config.import=etcd:/config/cloud/", "--management.health.etcd.enabled=false")) {
                Object source = context.getEnvironment().getPropertySources().get("etcd:/config/cloud/");
                context.getBean(org.springframework.cloud.context.refresh.ContextRefresher.class).refresh();
                assertThat(context.getEnvironment().getPropertySources().get("etcd:/config/cloud/"))
                    .as("Spring Cloud imported again").isNotSameAs(source);
                // With the bootstrap context Spring Cloud keeps as a bean, so with the client registered there: no
                // second client that nothing would close.
                assertThat(context.getBean(org.springframework.boot.bootstrap.ConfigurableBootstrapContext.class)
                    .get(EtcdConfigClient.class)).isSameAs(context.getBean(EtcdConfigClient.class));
                etcdTemplate.set("/config/cloud/demo/title", "after");
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> "after".equals(context.getEnvironment().getProperty("demo.title")));
                assertThat(context.getBean(DemoProperties.class).getTitle()).isEqualTo("after");
            }
        }
    }

}
