package dev.etcdspring.autoconfigure;

import java.time.Duration;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import dev.etcdspring.core.EtcdTemplate;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Applies {@code etcd.*} properties and {@link EtcdConnectionDetails} to an {@link EtcdTemplate.Builder}: the one
 * place that does, for the auto-configured template and for the one the configuration import builds before any
 * bean exists. A value the builder refuses becomes an {@link InvalidEtcdPropertyException} naming the property.
 */
public final class EtcdTemplateConfigurer {

    private final EtcdProperties properties;

    private final EtcdConnectionDetails connectionDetails;

    private final SslBundles sslBundles;

    /**
     * Creates a configurer.
     *
     * @param properties the {@code etcd.*} properties
     * @param connectionDetails where to connect, or {@code null} to take it from the properties
     * @param sslBundles the SSL bundles {@code etcd.ssl.bundle} may name, or {@code null} when there are none
     */
    public EtcdTemplateConfigurer(EtcdProperties properties, EtcdConnectionDetails connectionDetails,
            SslBundles sslBundles) {
        this.properties = properties;
        this.connectionDetails = (connectionDetails != null) ? connectionDetails
                : new PropertiesEtcdConnectionDetails(properties);
        this.sslBundles = sslBundles;
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
        if (p.getSsl().getBundle() != null) {
            set("etcd.ssl.bundle", p.getSsl().getBundle(), (name) -> builder.sslContext(sslContext(name)));
        }
        return builder;
    }

    /**
     * The SSL context of the bundle {@code etcd.ssl.bundle} names. A bundle with endpoints that would not use it,
     * or with protocol or cipher choices the client cannot apply, is refused rather than half applied.
     */
    private SSLContext sslContext(String name) {
        if (this.sslBundles == null) {
            throw new IllegalArgumentException("no SSL bundles are configured (spring.ssl.bundle.*)");
        }
        SslBundle sslBundle;
        try {
            sslBundle = this.sslBundles.getBundle(name);
        }
        catch (NoSuchSslBundleException ex) {
            throw new IllegalArgumentException("there is no SSL bundle named '" + name
                    + "'; define it under spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name, ex);
        }
        for (String endpoint : this.connectionDetails.getEndpoints()) {
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
}
