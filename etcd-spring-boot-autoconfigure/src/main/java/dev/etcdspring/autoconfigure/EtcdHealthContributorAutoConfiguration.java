package dev.etcdspring.autoconfigure;

import dev.etcdspring.core.EtcdOperations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.CompositeHealthContributorConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code etcd} health contributor ({@code management.health.etcd.enabled}): one
 * {@link EtcdHealthIndicator} for the {@link EtcdOperations} bean, whether the auto-configured template or the
 * application's own, or one per bean, as a composite, when there are several; each shows the details of every
 * {@link EtcdHealthDetails} bean (the leadership of the application's leader initiator, for one).
 */
@AutoConfiguration(after = EtcdAutoConfiguration.class)
@ConditionalOnClass({ EtcdOperations.class, HealthIndicator.class })
@ConditionalOnBean(EtcdOperations.class)
@ConditionalOnEnabledHealthIndicator("etcd")
@EnableConfigurationProperties(EtcdProperties.class)
public final class EtcdHealthContributorAutoConfiguration
        extends CompositeHealthContributorConfiguration<EtcdHealthIndicator, EtcdOperations> {

    EtcdHealthContributorAutoConfiguration(EtcdProperties properties, ObjectProvider<EtcdHealthDetails> details) {
        super((etcdOperations) -> new EtcdHealthIndicator(etcdOperations, properties.getHealth().getTimeout(),
                () -> details.orderedStream().toList()));
    }

    @Bean
    @ConditionalOnMissingBean(name = { "etcdHealthIndicator", "etcdHealthContributor" })
    HealthContributor etcdHealthContributor(ConfigurableListableBeanFactory beanFactory) {
        return createContributor(beanFactory, EtcdOperations.class);
    }
}
