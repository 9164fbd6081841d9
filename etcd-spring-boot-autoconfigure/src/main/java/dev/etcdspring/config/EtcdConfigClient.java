package dev.etcdspring.config;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import dev.etcdspring.autoconfigure.EtcdProperties;
import dev.etcdspring.autoconfigure.EtcdTemplateConfigurer;
import dev.etcdspring.autoconfigure.EtcdThreads;
import dev.etcdspring.core.EtcdClientListener;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.Listeners;
import dev.etcdspring.core.observation.EtcdObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PropertiesSslBundle;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;

/**
 * The template the configuration import reads with, built from {@code etcd.*} through the {@link Binder} before any
 * bean exists, and what the application context fills in once it does: the observation registry and convention,
 * and listeners (the meters). The import registers it in the bootstrap context and promotes its template into the
 * application context as the {@code etcdConfigTemplate} bean (the auto-configured template then backs off), so
 * that the application and the configuration watch use one client.
 */
public final class EtcdConfigClient {

    /** The bean name the template is promoted under. */
    public static final String TEMPLATE_BEAN_NAME = "etcdConfigTemplate";

    private final EtcdTemplate template;

    private volatile ObservationRegistry observationRegistry;

    private volatile EtcdObservationConvention observationConvention;

    private final List<EtcdClientListener> listeners = new CopyOnWriteArrayList<>();

    /** Set once a load found etcd out of reach after its retries: the next paths try once, not as many times. */
    private volatile boolean unreachable;

    private EtcdConfigClient(EtcdTemplate.Builder builder) {
        this.template = builder.observationRegistry((Supplier<ObservationRegistry>) () -> this.observationRegistry)
            .observationConvention((Supplier<EtcdObservationConvention>) () -> this.observationConvention)
            .listener(Listeners.of(this.listeners))
            .build();
    }

    /**
     * Builds the client from the configuration read so far.
     *
     * @param binder binds {@code etcd.*} and {@code spring.ssl.*}
     * @return the client
     */
    static EtcdConfigClient create(Binder binder) {
        EtcdProperties properties = binder.bind("etcd", Bindable.of(EtcdProperties.class))
            .orElseGet(EtcdProperties::new);
        SslBundles sslBundles = (properties.getSsl().getBundle() != null) ? sslBundles(binder) : null;
        EtcdTemplate.Builder builder = new EtcdTemplateConfigurer(properties, null, sslBundles)
            .configure(EtcdTemplate.builder());
        return new EtcdConfigClient(EtcdThreads.apply(builder, binder));
    }

    /** The SSL bundles of {@code spring.ssl.bundle.*}, made as Spring Boot makes them, before its beans exist. */
    private static SslBundles sslBundles(Binder binder) {
        SslProperties ssl = binder.bind("spring.ssl", Bindable.of(SslProperties.class)).orElseGet(SslProperties::new);
        DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();
        for (Map.Entry<String, PemSslBundleProperties> pem : ssl.getBundle().getPem().entrySet()) {
            registry.registerBundle(pem.getKey(), PropertiesSslBundle.get(pem.getValue()));
        }
        for (Map.Entry<String, JksSslBundleProperties> jks : ssl.getBundle().getJks().entrySet()) {
            registry.registerBundle(jks.getKey(), PropertiesSslBundle.get(jks.getValue()));
        }
        return registry;
    }

    /**
     * The template.
     *
     * @return the template
     */
    public EtcdTemplate getTemplate() {
        return this.template;
    }

    /**
     * The endpoints the template talks to, for messages.
     *
     * @return the endpoints
     */
    public List<String> getEndpoints() {
        return this.template.endpoints();
    }

    /**
     * Sets the registry the template reports its operations to from now on.
     *
     * @param observationRegistry the registry
     */
    public void setObservationRegistry(ObservationRegistry observationRegistry) {
        this.observationRegistry = observationRegistry;
    }

    /**
     * Sets the convention of the template's observations from now on.
     *
     * @param observationConvention the convention
     */
    public void setObservationConvention(EtcdObservationConvention observationConvention) {
        this.observationConvention = observationConvention;
    }

    /**
     * Adds a listener of the template's swaps and watches.
     *
     * @param listener the listener
     */
    public void addListener(EtcdClientListener listener) {
        this.listeners.add(listener);
    }

    boolean isUnreachable() {
        return this.unreachable;
    }

    void setUnreachable(boolean unreachable) {
        this.unreachable = unreachable;
    }
}
