package dev.etcdspring.autoconfigure;

import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import dev.etcdspring.core.EtcdHttpBackend;
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
        // One try for all the properties, noting each one before the builder sees it, rather than a lambda per
        // property: each lambda costs a fresh JVM's start-up about a tenth of a millisecond.
        Attempt at = new Attempt();
        try {
            builder.endpoints(at.property("etcd.endpoints", this.connectionDetails.getEndpoints()));
            builder.api(at.property("etcd.api", p.getApi()));
            builder.timeout(at.property("etcd.timeout", p.getTimeout()));
            builder.connectTimeout(at.property("etcd.connect-timeout", p.getConnectTimeout()));
            builder.readConsistency(at.property("etcd.read-consistency", p.getReadConsistency()));
            if (p.getHttpBackend() != null) {
                // Checked here, where the property can be named, rather than when the template is built.
                EtcdHttpBackend backend = at.property("etcd.http-backend", p.getHttpBackend());
                backend.checkEndpoints(this.connectionDetails.getEndpoints());
                builder.httpBackend(backend);
            }
            builder.swapMaxAttempts(at.property("etcd.swap.max-attempts", p.getSwap().getMaxAttempts()));
            builder.swapTimeout(at.property("etcd.swap.timeout", p.getSwap().getTimeout()));
            // One builder call checks both bounds; the property named is the one at fault: the maximum when it is
            // not positive, the initial interval otherwise (not positive, or above a valid maximum).
            Duration initial = p.getWatch().getInitialBackoff();
            Duration max = p.getWatch().getMaxBackoff();
            boolean maxAtFault = max == null || max.isNegative() || max.isZero();
            at.property(maxAtFault ? "etcd.watch.max-backoff" : "etcd.watch.initial-backoff",
                    maxAtFault ? max : initial);
            builder.watchBackoff(initial, max);
            String username = this.connectionDetails.getUsername();
            if (username != null) {
                String password = (this.connectionDetails.getPassword() != null) ? this.connectionDetails.getPassword()
                        : "";
                builder.credentials(at.property("etcd.username", username), password);
            }
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEtcdPropertyException(at.name, at.value, ex);
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
        try {
            apply(builder, sslBundle);
        }
        catch (IllegalArgumentException ex) {
            if (this.connectionDetails instanceof PropertiesEtcdConnectionDetails properties) {
                throw new InvalidEtcdPropertyException("etcd.ssl.bundle", properties.getSslBundleName(), ex);
            }
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

    /** The property being applied, and its value: what an {@link InvalidEtcdPropertyException} names. */
    private static final class Attempt {

        private String name;

        private Object value;

        /** Notes the property about to be applied, and hands its value on. */
        <T> T property(String name, T value) {
            this.name = name;
            this.value = value;
            return value;
        }
    }
}
