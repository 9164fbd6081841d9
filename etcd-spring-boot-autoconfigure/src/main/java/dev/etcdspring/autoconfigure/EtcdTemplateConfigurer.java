package dev.etcdspring.autoconfigure;

import java.time.Duration;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import dev.etcdspring.core.EtcdTemplate;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Applies {@code etcd.*} properties and {@link EtcdConnectionDetails} to an {@link EtcdTemplate.Builder}: the one
 * place that does, for the auto-configured template and for the one the configuration import builds before any
 * bean exists. A value the builder refuses becomes an {@link InvalidEtcdPropertyException} naming the property.
 * Over TLS with the {@link EtcdConnectionDetails#getSslBundle() SSL bundle of the connection details}: by default
 * the one {@code etcd.ssl.bundle} names, its options' protocols and cipher suites applied.
 */
public final class EtcdTemplateConfigurer {

    private final EtcdProperties properties;

    private final EtcdConnectionDetails connectionDetails;

    /**
     * Creates a configurer.
     *
     * @param properties the {@code etcd.*} properties
     * @param connectionDetails where to connect, with what credentials and SSL bundle
     */
    public EtcdTemplateConfigurer(EtcdProperties properties, EtcdConnectionDetails connectionDetails) {
        this.properties = properties;
        this.connectionDetails = connectionDetails;
    }

    /**
     * Creates a configurer.
     *
     * @param properties the {@code etcd.*} properties
     * @param connectionDetails where to connect, or {@code null} to take it from the properties
     * @param sslBundles the SSL bundles {@code etcd.ssl.bundle} may name, or {@code null} when there are none; used
     * only when the connection details are taken from the properties (other connection details bring their own
     * {@link EtcdConnectionDetails#getSslBundle() SSL bundle})
     */
    public EtcdTemplateConfigurer(EtcdProperties properties, EtcdConnectionDetails connectionDetails,
            SslBundles sslBundles) {
        this(properties, (connectionDetails != null) ? connectionDetails
                : new PropertiesEtcdConnectionDetails(properties, sslBundles));
    }

    /**
     * Applies the properties and connection details to a builder.
     *
     * @param builder the builder
     * @return the builder
     * @throws InvalidEtcdPropertyException if a property holds a value the client cannot work with
     */
    public EtcdTemplate.Builder configure(EtcdTemplate.Builder builder) {
        EtcdProperties p = this.properties;
        set("etcd.endpoints", this.connectionDetails.getEndpoints(), builder::endpoints);
        set("etcd.api", p.getApi(), builder::api);
        set("etcd.timeout", p.getTimeout(), builder::timeout);
        set("etcd.connect-timeout", p.getConnectTimeout(), builder::connectTimeout);
        set("etcd.read-consistency", p.getReadConsistency(), builder::readConsistency);
        if (p.getHttpBackend() != null) {
            // Checked here, where the property can be named, rather than when the template is built.
            set("etcd.http-backend", p.getHttpBackend(), (backend) -> {
                backend.checkEndpoints(this.connectionDetails.getEndpoints());
                builder.httpBackend(backend);
            });
        }
        set("etcd.swap.max-attempts", p.getSwap().getMaxAttempts(), builder::swapMaxAttempts);
        set("etcd.swap.timeout", p.getSwap().getTimeout(), builder::swapTimeout);
        // One builder call checks both bounds; the property named is the one at fault: the maximum when it is not
        // positive, the initial interval otherwise (not positive, or above a valid maximum).
        Duration initial = p.getWatch().getInitialBackoff();
        Duration max = p.getWatch().getMaxBackoff();
        boolean maxAtFault = max == null || max.isNegative() || max.isZero();
        set(maxAtFault ? "etcd.watch.max-backoff" : "etcd.watch.initial-backoff", maxAtFault ? max : initial,
                (value) -> builder.watchBackoff(initial, max));
        if (this.connectionDetails.getUsername() != null) {
            String password = (this.connectionDetails.getPassword() != null) ? this.connectionDetails.getPassword()
                    : "";
            set("etcd.username", this.connectionDetails.getUsername(), (user) -> builder.credentials(user, password));
        }
        SslBundle sslBundle = this.connectionDetails.getSslBundle();
        if (sslBundle != null) {
            sslBundle(builder, sslBundle);
        }
        return builder;
    }

    /**
     * Gives the builder the SSL context of the connection details' bundle, and the protocols and cipher suites its
     * {@link SslBundle#getOptions() options} choose. A bundle {@code etcd.ssl.bundle} named that cannot be used
     * fails naming the property; one of other connection details, naming them.
     */
    private void sslBundle(EtcdTemplate.Builder builder, SslBundle sslBundle) {
        if (this.connectionDetails instanceof PropertiesEtcdConnectionDetails properties) {
            String name = properties.getSslBundleName();
            set("etcd.ssl.bundle", name, (value) -> apply(builder, sslBundle));
            return;
        }
        try {
            apply(builder, sslBundle);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalStateException("The SSL bundle of the etcd connection details ("
                    + this.connectionDetails.getClass().getName() + ") cannot be used: " + ex.getMessage(), ex);
        }
    }

    /**
     * Applies a bundle: its SSL context, and the protocols and cipher suites its options choose (every backend
     * applies them to its TLS connections). A bundle with endpoints that would not use it is refused.
     */
    private void apply(EtcdTemplate.Builder builder, SslBundle sslBundle) {
        for (String endpoint : this.connectionDetails.getEndpoints()) {
            if (!endpoint.regionMatches(true, 0, "https:", 0, 6)) {
                throw new IllegalArgumentException("the endpoint '" + endpoint
                        + "' is not https, so the SSL bundle would not protect it; use https endpoints");
            }
        }
        SSLContext sslContext = sslBundle.createSslContext();
        String[] protocols = sslBundle.getOptions().getEnabledProtocols();
        String[] ciphers = sslBundle.getOptions().getCiphers();
        // Checked here, where the bundle can be named, rather than when the template's backend is made.
        SSLEngine engine = sslContext.createSSLEngine();
        try {
            if (protocols != null) {
                engine.setEnabledProtocols(protocols);
            }
            if (ciphers != null) {
                engine.setEnabledCipherSuites(ciphers);
            }
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("the SSL bundle's options choose what the JVM does not support: "
                    + ex.getMessage(), ex);
        }
        builder.sslContext(sslContext);
        if (protocols != null) {
            builder.sslEnabledProtocols(protocols);
        }
        if (ciphers != null) {
            builder.sslCiphers(ciphers);
        }
    }

    private static <T> void set(String property, T value, Consumer<T> setter) {
        try {
            setter.accept(value);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEtcdPropertyException(property, value, ex);
        }
    }
}
