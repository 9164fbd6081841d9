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
        EtcdTemplate.Builder builder = EtcdTemplate.builder();
        // Each setting is checked by the builder; a refusal names the property it came from.
        set("etcd.endpoints", connectionDetails.getEndpoints(), builder::endpoints);
        set("etcd.api", properties.getApi(), builder::api);
        set("etcd.timeout", properties.getTimeout(), builder::timeout);
        set("etcd.connect-timeout", properties.getConnectTimeout(), builder::connectTimeout);
        set("etcd.swap.max-attempts", properties.getSwap().getMaxAttempts(), builder::swapMaxAttempts);
        set("etcd.swap.timeout", properties.getSwap().getTimeout(), builder::swapTimeout);
        set("etcd.watch.initial-backoff", properties.getWatch().getInitialBackoff(),
                (initial) -> builder.watchBackoff(initial, properties.getWatch().getMaxBackoff()));
        if (connectionDetails.getUsername() != null) {
            String password = (connectionDetails.getPassword() != null) ? connectionDetails.getPassword() : "";
            set("etcd.username", connectionDetails.getUsername(), (user) -> builder.credentials(user, password));
        }
        restClientBuilder.ifAvailable(builder::restClientBuilder);
        return builder.build();
    }

    private static <T> void set(String property, T value, java.util.function.Consumer<T> setter) {
        try {
            setter.accept(value);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEtcdPropertyException(property, value, ex);
        }
    }
}
