package dev.etcdspring.autoconfigure;

import java.util.Locale;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

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
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of an {@link EtcdTemplate} from {@code etcd.*} properties or {@link EtcdConnectionDetails}:
 * built from the application's {@link RestClient.Builder} when there is one, so that its customizers apply; over
 * TLS with the SSL bundle {@code etcd.ssl.bundle}; observed through the application's
 * {@link ObservationRegistry}; then customized by every {@link EtcdTemplateBuilderCustomizer}.
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
            ObjectProvider<RestClient.Builder> restClientBuilder, ObjectProvider<SslBundles> sslBundles,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<EtcdObservationConvention> observationConvention,
            ObjectProvider<EtcdTemplateBuilderCustomizer> customizers) {
        EtcdTemplate.Builder builder = EtcdTemplate.builder();
        // Each setting is checked by the builder; a refusal names the property it came from.
        set("etcd.endpoints", connectionDetails.getEndpoints(), builder::endpoints);
        set("etcd.api", properties.getApi(), builder::api);
        set("etcd.timeout", properties.getTimeout(), builder::timeout);
        set("etcd.connect-timeout", properties.getConnectTimeout(), builder::connectTimeout);
        set("etcd.read-consistency", properties.getReadConsistency(), builder::readConsistency);
        set("etcd.http-backend", properties.getHttpBackend(), builder::httpBackend);
        set("etcd.swap.max-attempts", properties.getSwap().getMaxAttempts(), builder::swapMaxAttempts);
        set("etcd.swap.timeout", properties.getSwap().getTimeout(), builder::swapTimeout);
        set("etcd.watch.initial-backoff", properties.getWatch().getInitialBackoff(),
                (initial) -> builder.watchBackoff(initial, properties.getWatch().getMaxBackoff()));
        if (connectionDetails.getUsername() != null) {
            String password = (connectionDetails.getPassword() != null) ? connectionDetails.getPassword() : "";
            set("etcd.username", connectionDetails.getUsername(), (user) -> builder.credentials(user, password));
        }
        String bundle = properties.getSsl().getBundle();
        if (bundle != null) {
            set("etcd.ssl.bundle", bundle, (name) -> builder.sslContext(sslContext(name, sslBundles, connectionDetails)));
        }
        restClientBuilder.ifAvailable(builder::restClientBuilder);
        observationRegistry.ifAvailable(builder::observationRegistry);
        observationConvention.ifAvailable(builder::observationConvention);
        customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * The SSL context of the bundle {@code etcd.ssl.bundle} names. A bundle with endpoints that would not use it,
     * or with protocol or cipher choices the client cannot apply, is refused rather than half applied.
     */
    private static SSLContext sslContext(String name, ObjectProvider<SslBundles> sslBundles,
            EtcdConnectionDetails connectionDetails) {
        SslBundles bundles = sslBundles.getIfAvailable();
        if (bundles == null) {
            throw new IllegalArgumentException("no SSL bundles are configured (spring.ssl.bundle.*)");
        }
        SslBundle sslBundle;
        try {
            sslBundle = bundles.getBundle(name);
        }
        catch (NoSuchSslBundleException ex) {
            throw new IllegalArgumentException("there is no SSL bundle named '" + name
                    + "'; define it under spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name, ex);
        }
        for (String endpoint : connectionDetails.getEndpoints()) {
            if (!endpoint.regionMatches(true, 0, "https:", 0, 6)) {
                throw new IllegalArgumentException("the endpoint '" + endpoint
                        + "' is not https, so the SSL bundle would not protect it; use https endpoints");
            }
        }
        if (sslBundle.getOptions().getCiphers() != null || sslBundle.getOptions().getEnabledProtocols() != null) {
            throw new IllegalArgumentException("the SSL bundle '" + name + "' chooses ciphers or protocols, which "
                    + "the etcd client does not apply yet; leave them to the JVM's defaults");
        }
        return sslBundle.createSslContext();
    }

    private static <T> void set(String property, T value, Consumer<T> setter) {
        try {
            setter.accept(value);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEtcdPropertyException(property, value, ex);
        }
    }

    /** Meters for what no single request shows: swap attempts, watch reconnects and resyncs. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class EtcdMetricsConfiguration {

        @Bean
        EtcdTemplateBuilderCustomizer etcdMetricsCustomizer(ObjectProvider<MeterRegistry> meterRegistry,
                EtcdProperties properties) {
            return (builder) -> meterRegistry
                .ifAvailable((registry) -> builder.listener(new EtcdClientMetrics(registry, properties.getApi())));
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
