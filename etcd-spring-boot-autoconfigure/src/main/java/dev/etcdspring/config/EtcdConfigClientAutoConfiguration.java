package dev.etcdspring.config;

import java.util.List;

import dev.etcdspring.autoconfigure.EtcdAutoConfiguration;
import dev.etcdspring.autoconfigure.EtcdClientMetrics;
import dev.etcdspring.autoconfigure.EtcdConnectionDetails;
import dev.etcdspring.core.observation.EtcdObservationConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * When {@code spring.config.import=etcd:} built the template before any bean existed (and the auto-configured
 * template backed off for it), gives its {@link EtcdConfigClient} what the application context has once it exists:
 * the observation registry and convention, and the client's meters; and warns when the application's
 * {@link EtcdConnectionDetails} name other endpoints than the ones the import's client talks to.
 */
@AutoConfiguration(after = EtcdAutoConfiguration.class)
@ConditionalOnBean(EtcdConfigClient.class)
public final class EtcdConfigClientAutoConfiguration {

    @Bean
    static SmartInitializingSingleton etcdConfigClientObservation(ObjectProvider<EtcdConfigClient> configClient,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<EtcdObservationConvention> observationConvention) {
        return () -> configClient.ifAvailable((client) -> {
            observationRegistry.ifAvailable(client::setObservationRegistry);
            observationConvention.ifAvailable(client::setObservationConvention);
        });
    }

    @Bean
    static SmartInitializingSingleton etcdConfigClientEndpointsCheck(ObjectProvider<EtcdConfigClient> configClient,
            ObjectProvider<EtcdConnectionDetails> connectionDetails) {
        return () -> configClient.ifAvailable((client) -> {
            EtcdConnectionDetails details = connectionDetails.getIfUnique();
            if (details != null && !normalized(details.getEndpoints()).equals(client.getEndpoints())) {
                // A service connection, or etcd.endpoints set after the import ran (a @DynamicPropertySource).
                LogFactory.getLog(EtcdConfigClientAutoConfiguration.class)
                    .warn("The etcd client of spring.config.import=etcd: "
                            + "was built from the etcd.* properties known when the configuration was imported, and "
                            + "serves the application too: it talks to " + client.getEndpoints() + ", not to "
                            + details.getEndpoints() + " (" + details.getClass().getSimpleName() + "). Set "
                            + "etcd.endpoints where the import sees it: a system property, the command line, "
                            + "application.properties.");
            }
        });
    }

    /** Endpoints as the template keeps them: without surrounding blanks or a trailing {@code /}. */
    private static List<String> normalized(List<String> endpoints) {
        return endpoints.stream().map((endpoint) -> endpoint.strip().replaceAll("/+$", "")).toList();
    }

    /** The meters of the client's swaps and watches, as the auto-configured template has them. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class EtcdConfigClientMetricsConfiguration {

        @Bean
        static SmartInitializingSingleton etcdConfigClientMetrics(ObjectProvider<EtcdConfigClient> configClient,
                ObjectProvider<MeterRegistry> meterRegistry) {
            return () -> configClient.ifAvailable((client) -> meterRegistry.ifAvailable((registry) -> client
                .addListener(new EtcdClientMetrics(registry, client.getTemplate().api()))));
        }
    }
}
