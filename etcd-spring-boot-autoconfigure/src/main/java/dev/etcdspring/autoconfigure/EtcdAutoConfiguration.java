package dev.etcdspring.autoconfigure;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdTemplate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of an {@link EtcdTemplate} from {@code etcd.*} properties or
 * {@link EtcdConnectionDetails}, built from the application's {@link RestClient.Builder} when there is one, so
 * that its customizers apply.
 */
@AutoConfiguration(afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnClass(EtcdTemplate.class)
@EnableConfigurationProperties(EtcdProperties.class)
public final class EtcdAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EtcdConnectionDetails etcdConnectionDetails(EtcdProperties properties) {
        return new PropertiesEtcdConnectionDetails(properties);
    }

    @Bean
    @ConditionalOnMissingBean(EtcdOperations.class)
    EtcdTemplate etcdTemplate(EtcdProperties properties, EtcdConnectionDetails connectionDetails,
            ObjectProvider<RestClient.Builder> restClientBuilder) {
        EtcdTemplate.Builder builder = EtcdTemplate.builder()
            .endpoints(connectionDetails.getEndpoints())
            .api(properties.getApi())
            .timeout(properties.getTimeout())
            .connectTimeout(properties.getConnectTimeout())
            .swapMaxAttempts(properties.getSwap().getMaxAttempts())
            .swapTimeout(properties.getSwap().getTimeout())
            .watchBackoff(properties.getWatch().getInitialBackoff(), properties.getWatch().getMaxBackoff());
        if (connectionDetails.getUsername() != null) {
            builder.credentials(connectionDetails.getUsername(),
                    (connectionDetails.getPassword() != null) ? connectionDetails.getPassword() : "");
        }
        restClientBuilder.ifAvailable(builder::restClientBuilder);
        return builder.build();
    }
}
