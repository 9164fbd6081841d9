package dev.etcdspring.autoconfigure;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured {@link EtcdTemplate}, against a real etcd.
 */
class EtcdAutoConfigurationTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EtcdAutoConfiguration.class))
        .withPropertyValues("etcd.endpoints=" + etcd.endpoint());

    @Test
    void aTemplateFromPropertiesSpeaksV3ByDefault() {
        this.runner.run((context) -> {
            EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
            assertThat(etcdTemplate.api()).isEqualTo(EtcdApi.V3);
            assertThat(etcdTemplate.endpoints()).containsExactly(etcd.endpoint());
            etcdTemplate.set("/auto/k", "v");
            assertThat(context.getBean(EtcdOperations.class).get("/auto/k")).isEqualTo("v");
        });
    }

    @Test
    void propertiesChooseTheApiAndEndpoints() {
        this.runner.withPropertyValues("etcd.api=v2", "etcd.endpoints=http://127.0.0.1:1," + etcd.endpoint())
            .run((context) -> {
                EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                assertThat(etcdTemplate.api()).isEqualTo(EtcdApi.V2);
                assertThat(etcdTemplate.endpoints()).containsExactly("http://127.0.0.1:1", etcd.endpoint());
                etcdTemplate.set("/auto/v2", "yes");
                assertThat(etcdTemplate.get("/auto/v2")).isEqualTo("yes");
            });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnOperations() {
        this.runner.withUserConfiguration(OwnTemplate.class).run((context) -> {
            assertThat(context).hasSingleBean(EtcdOperations.class);
            assertThat(context.getBean(EtcdOperations.class)).isSameAs(context.getBean("myEtcd"));
        });
    }

    @Test
    void connectionDetailsReplaceTheProperties() {
        this.runner.withPropertyValues("etcd.endpoints=http://127.0.0.1:1")
            .withBean(EtcdConnectionDetails.class, () -> () -> List.of(etcd.endpoint()))
            .run((context) -> {
                EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                assertThat(etcdTemplate.endpoints()).containsExactly(etcd.endpoint());
                assertThat(etcdTemplate.version().server()).startsWith("3.");
            });
    }

    @Test
    void theApplicationsRestClientCustomizersApply() {
        AtomicInteger intercepted = new AtomicInteger();
        this.runner.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class))
            .withBean(RestClientCustomizer.class, () -> (builder) -> builder.requestInterceptor((request, body, execution) -> {
                intercepted.incrementAndGet();
                return execution.execute(request, body);
            }))
            .run((context) -> {
                context.getBean(EtcdTemplate.class).set("/auto/customized", "v");
                assertThat(intercepted).hasValue(1);
            });
    }

    @Test
    void theTemplateIsClosedWithTheContext() {
        EtcdTemplate[] template = new EtcdTemplate[1];
        this.runner.run((context) -> template[0] = context.getBean(EtcdTemplate.class));
        org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> template[0].get("/k"))
            .withMessageContaining("closed");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "etcd.endpoints=localhost:2379 | etcd.endpoints | localhost:2379",
            "etcd.endpoints=ftp://h:1 | etcd.endpoints | ftp://h:1",
            "etcd.timeout=-5s | etcd.timeout | PT-5S",
            "etcd.connect-timeout=0s | etcd.connect-timeout | PT0S",
            "etcd.swap.max-attempts=0 | etcd.swap.max-attempts | 0",
            "etcd.watch.initial-backoff=1m | etcd.watch.initial-backoff | PT1M",
            "etcd.watch.max-backoff=0s | etcd.watch.max-backoff | PT0S" })
    void badValuesFailAtStartUpNamingTheProperty(String setting, String property, String shown) {
        this.runner.withPropertyValues(setting).run((context) -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            org.springframework.boot.diagnostics.FailureAnalysis analysis = new InvalidEtcdPropertyFailureAnalyzer()
                .analyze(failure);
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("'" + property + "'", shown);
            assertThat(analysis.getAction()).contains(property);
        });
    }

    @Test
    void anUnknownApiFailsBindingNamingTheProperty() {
        this.runner.withPropertyValues("etcd.api=v4").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("v4");
            assertThat(context.getStartupFailure()).hasStackTraceContaining("etcd.api");
        });
    }

    @Test
    void readConsistencyMakesPlainReadsSerializable() {
        List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        this.runner.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class))
            .withBean(RestClientCustomizer.class, () -> (builder) -> builder.requestInterceptor((request, body, execution) -> {
                if (request.getURI().getPath().equals("/v3/kv/range")) {
                    bodies.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
                }
                return execution.execute(request, body);
            }))
            .withPropertyValues("etcd.read-consistency=serializable")
            .run((context) -> {
                EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                etcdTemplate.set("/auto/local", "v");
                assertThat(etcdTemplate.get("/auto/local")).isEqualTo("v");
                assertThat(bodies).last().asString().contains("\"serializable\":true");
                etcdTemplate.get("/auto/local", dev.etcdspring.core.ReadOptions.defaults().quorum(true));
                assertThat(bodies).last().asString().doesNotContain("serializable");
            });
    }

    @Test
    void customizersRunAfterThePropertiesAndInOrder() {
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        this.runner.withPropertyValues("etcd.api=v2")
            .withBean("second", EtcdTemplateBuilderCustomizer.class, () -> new OrderedCustomizer(2, calls))
            .withBean("first", EtcdTemplateBuilderCustomizer.class, () -> new OrderedCustomizer(1, calls))
            .run((context) -> {
                assertThat(calls).containsExactly("1", "2");
                assertThat(context.getBean(EtcdTemplate.class).api()).as("the last customizer wins")
                    .isEqualTo(EtcdApi.V3);
            });
    }

    /** Sets the API, so that the test sees the customizers run after the properties. */
    record OrderedCustomizer(int order, List<String> calls)
            implements EtcdTemplateBuilderCustomizer, org.springframework.core.Ordered {

        @Override
        public void customize(EtcdTemplate.Builder builder) {
            this.calls.add(Integer.toString(this.order));
            builder.api((this.order == 1) ? EtcdApi.V2 : EtcdApi.V3);
        }

        @Override
        public int getOrder() {
            return this.order;
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "etcd.read-consistency=eventual | etcd.read-consistency | eventual",
            "etcd.http-backend=netty | etcd.http-backend | netty" })
    void unknownEnumeratedValuesFailBindingNamingTheProperty(String setting, String property, String value) {
        this.runner.withPropertyValues(setting).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(property).hasStackTraceContaining(value);
        });
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({ "etcd.password, true", "ETCD_PASSWORD, true", "etcd.Password, true",
            "etcd.config.password, true", "etcd.username, false", "spring.datasource.password, false",
            "etcdpassword, false" })
    void passwordsAreMaskedHoweverThePropertyIsSpelled(String key, boolean masked) {
        org.springframework.boot.actuate.endpoint.SanitizableData data = new org.springframework.boot.actuate.endpoint.SanitizableData(
                null, key, "value");
        assertThat(EtcdAutoConfiguration.EtcdSanitizingConfiguration.isEtcdPassword(data)).isEqualTo(masked);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnTemplate {

        @Bean
        EtcdOperations myEtcd() {
            return EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
        }
    }
}
