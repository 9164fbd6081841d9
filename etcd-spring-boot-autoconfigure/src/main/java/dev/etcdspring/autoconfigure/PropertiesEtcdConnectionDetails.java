package dev.etcdspring.autoconfigure;

import java.util.List;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * {@link EtcdConnectionDetails} from {@link EtcdProperties}: the SSL bundle is the one {@code etcd.ssl.bundle} names.
 */
final class PropertiesEtcdConnectionDetails implements EtcdConnectionDetails {

    private final EtcdProperties properties;

    private final SslBundles sslBundles;

    /**
     * Connection details from properties.
     *
     * @param properties the {@code etcd.*} properties
     * @param sslBundles the SSL bundles {@code etcd.ssl.bundle} may name, or {@code null} when there are none
     */
    PropertiesEtcdConnectionDetails(EtcdProperties properties, SslBundles sslBundles) {
        this.properties = properties;
        this.sslBundles = sslBundles;
    }

    @Override
    public List<String> getEndpoints() {
        return List.copyOf(this.properties.getEndpoints());
    }

    @Override
    public String getUsername() {
        return this.properties.getUsername();
    }

    @Override
    public String getPassword() {
        return this.properties.getPassword();
    }

    /**
     * The bundle {@code etcd.ssl.bundle} names.
     *
     * @throws InvalidEtcdPropertyException if there is no bundle of that name
     */
    @Override
    public SslBundle getSslBundle() {
        String name = this.properties.getSsl().getBundle();
        if (name == null) {
            return null;
        }
        if (this.sslBundles == null) {
            throw new InvalidEtcdPropertyException("etcd.ssl.bundle", name,
                    new IllegalArgumentException("no SSL bundles are configured (spring.ssl.bundle.*)"));
        }
        try {
            return this.sslBundles.getBundle(name);
        }
        catch (NoSuchSslBundleException ex) {
            throw new InvalidEtcdPropertyException("etcd.ssl.bundle", name,
                    new IllegalArgumentException("there is no SSL bundle named '" + name
                            + "'; define it under spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name,
                            ex));
        }
    }

    /**
     * The name of the bundle, for messages.
     *
     * @return {@code etcd.ssl.bundle}
     */
    String getSslBundleName() {
        return this.properties.getSsl().getBundle();
    }
}
