package dev.etcdspring.config;

import dev.etcdspring.autoconfigure.EtcdAutoConfiguration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Auto-configuration of live configuration from etcd ({@code etcd.config.watch.enabled}, on by default): an
 * {@link EtcdConfigWatcher} when {@code spring.config.import=etcd:...} loaded configuration, and a gauge of the index
 * each path was last applied at.
 */
@AutoConfiguration(after = EtcdAutoConfiguration.class)
@ConditionalOnBean(EtcdConfigClient.class)
@ConditionalOnBooleanProperty(name = "etcd.config.watch.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EtcdConfigProperties.class)
public final class EtcdConfigWatchAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EtcdConfigWatcher etcdConfigWatcher(EtcdConfigClient client, EtcdConfigProperties properties,
            ObjectProvider<ObservationRegistry> observationRegistry, Environment environment) {
        // spring.threads.virtual.enabled=true (on Java 21 or later): refreshes on virtual threads, as Boot's own
        // schedulers then run.
        return new EtcdConfigWatcher(client.getTemplate(), properties.getWatch(),
                observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
                Threading.VIRTUAL.isActive(environment) ? EtcdConfigWatcher.virtualScheduler()
                        : EtcdConfigWatcher.platformScheduler());
    }

    /** {@code etcd.config.index}: per imported path, the etcd index its configuration was last applied at. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class EtcdConfigMetricsConfiguration {

        @Bean
        ApplicationListener<ApplicationReadyEvent> etcdConfigIndexGauges(ObjectProvider<MeterRegistry> meterRegistry) {
            return (event) -> meterRegistry.ifAvailable((registry) -> {
                for (PropertySource<?> source : event.getApplicationContext().getEnvironment().getPropertySources()) {
                    if (source instanceof EtcdPropertySource etcdSource) {
                        Gauge.builder("etcd.config.index", etcdSource, EtcdPropertySource::getIndex)
                            .description("etcd index the configuration of the path was last applied at")
                            .tag("etcd.path", etcdSource.getPath())
                            .strongReference(true)
                            .register(registry);
                    }
                }
            });
        }
    }
}
