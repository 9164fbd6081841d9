package dev.etcdspring.autoconfigure;

import java.util.Locale;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.observation.EtcdObservationConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of an {@link EtcdTemplate} from {@code etcd.*} properties or {@link EtcdConnectionDetails}:
 * its {@link RestClient.Builder} gets the application's {@code RestClientCustomizer}s (interceptors, Boot's HTTP
 * client observations); over TLS with the {@link EtcdConnectionDetails#getSslBundle() connection details' SSL bundle}
 * (by default the one {@code etcd.ssl.bundle} names); observed through the application's
 * {@link ObservationRegistry}; then customized by every {@link EtcdTemplateBuilderCustomizer}, which may also hand it
 * a whole {@link RestClient.Builder} of the application's.
 *
 * <p>The template does not take Boot's own {@code RestClient.Builder} bean: making one builds the application's
 * HTTP client and JSON mapper for message converters the template never uses (it sends and reads bytes through a
 * request factory of its own), which measured about 100 ms of a start-up.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
        "org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration" })
@ConditionalOnClass(EtcdTemplate.class)
@EnableConfigurationProperties(EtcdProperties.class)
public final class EtcdAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EtcdConnectionDetails etcdConnectionDetails(EtcdProperties properties, ObjectProvider<SslBundles> sslBundles) {
        return new PropertiesEtcdConnectionDetails(properties, sslBundles.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean(EtcdOperations.class)
    EtcdTemplate etcdTemplate(EtcdProperties properties, EtcdConnectionDetails connectionDetails,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<EtcdObservationConvention> observationConvention,
            ObjectProvider<EtcdTemplateBuilderCustomizer> customizers, Environment environment) {
        EtcdTemplate.Builder builder = new EtcdTemplateConfigurer(properties, connectionDetails)
            .configure(EtcdTemplate.builder());
        EtcdThreads.apply(builder, environment);
        // Plain calls rather than method references: each lambda costs a fresh JVM's start-up.
        ObservationRegistry registry = observationRegistry.getIfAvailable();
        if (registry != null) {
            builder.observationRegistry(registry);
        }
        EtcdObservationConvention convention = observationConvention.getIfAvailable();
        if (convention != null) {
            builder.observationConvention(convention);
        }
        for (EtcdTemplateBuilderCustomizer customizer : customizers.orderedStream().toList()) {
            customizer.customize(builder);
        }
        return builder.build();
    }

    /**
     * The application's {@code RestClientCustomizer}s, applied to the template's own {@link RestClient.Builder}
     * before any other {@link EtcdTemplateBuilderCustomizer}, which may replace it.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RestClientCustomizer.class)
    static class EtcdRestClientCustomizersConfiguration {

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        EtcdTemplateBuilderCustomizer etcdRestClientCustomizers(ObjectProvider<RestClientCustomizer> customizers) {
            // Made when the template makes its clients, on first use: RestClient's builder costs the start-up
            // several milliseconds.
            return (builder) -> builder.restClientBuilder(() -> {
                RestClient.Builder restClient = RestClient.builder();
                customizers.orderedStream().forEach((customizer) -> customizer.customize(restClient));
                return restClient;
            });
        }
    }

    /** Meters for what no single request shows: swap attempts, watch reconnects and resyncs. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class EtcdMetricsConfiguration {

        @Bean
        EtcdTemplateBuilderCustomizer etcdMetricsCustomizer(ObjectProvider<MeterRegistry> meterRegistry,
                EtcdProperties properties) {
            return (builder) -> {
                MeterRegistry registry = meterRegistry.getIfAvailable();
                if (registry != null) {
                    builder.listener(new EtcdClientMetrics(registry, properties.getApi()));
                }
            };
        }
    }

    /**
     * Masks etcd passwords in {@code /actuator/env} and {@code /actuator/configprops} even when an application
     * shows their values ({@code management.endpoint.*.show-values=always}): {@code etcd.password} however it is
     * spelled ({@code ETCD_PASSWORD} in the environment), and any other etcd property about a password.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SanitizingFunction.class)
    static class EtcdSanitizingConfiguration {

        @Bean
        SanitizingFunction etcdPasswordSanitizingFunction() {
            return SanitizingFunction.sanitizeValue().ifMatches(EtcdSanitizingConfiguration::isEtcdPassword);
        }

        static boolean isEtcdPassword(SanitizableData data) {
            String key = data.getKey().toLowerCase(Locale.ROOT).replace('_', '.');
            return key.startsWith("etcd.") && key.contains("password");
        }
    }
}
