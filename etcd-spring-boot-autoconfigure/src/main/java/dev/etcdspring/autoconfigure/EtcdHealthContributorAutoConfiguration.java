package dev.etcdspring.autoconfigure;

import dev.etcdspring.core.EtcdTemplate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code etcd} health contributor ({@code management.health.etcd.enabled}).
 */
@AutoConfiguration(after = EtcdAutoConfiguration.class)
@ConditionalOnClass({ EtcdTemplate.class, HealthIndicator.class })
@ConditionalOnBean(EtcdTemplate.class)
@ConditionalOnEnabledHealthIndicator("etcd")
public final class EtcdHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = { "etcdHealthIndicator", "etcdHealthContributor" })
    EtcdHealthIndicator etcdHealthContributor(EtcdTemplate etcdTemplate, EtcdProperties properties) {
        return new EtcdHealthIndicator(etcdTemplate, properties.getHealth().getTimeout());
    }
}
