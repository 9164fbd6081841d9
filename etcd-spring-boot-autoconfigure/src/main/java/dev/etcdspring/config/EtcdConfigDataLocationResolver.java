package dev.etcdspring.config;

import java.util.ArrayList;
import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationNotFoundException;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.Profiles;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.StringUtils;

/**
 * Resolves {@code etcd:} locations into etcd paths: {@code etcd:/config/myapp/} (several separated by {@code ;}),
 * each followed by its profile-specific path ({@code /config/myapp,dev/}) for each active profile; or, for a bare
 * {@code etcd:}, the default contexts under {@code etcd.config.prefix}: {@code application},
 * {@code application,{profile}}, {@code {spring.application.name}}, {@code {spring.application.name},{profile}}.
 * Later paths win over earlier ones.
 *
 * <p>Everything resolves once the profiles are known, so that the order of precedence is the one above rather
 * than every profile-specific path above every plain one. The first resolution also registers the client in the
 * bootstrap context.
 */
public class EtcdConfigDataLocationResolver implements ConfigDataLocationResolver<EtcdConfigDataResource> {

    /** The prefix of the locations this resolver handles. */
    public static final String PREFIX = "etcd:";

    @Override
    public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
        return location.hasPrefix(PREFIX);
    }

    @Override
    public List<EtcdConfigDataResource> resolve(ConfigDataLocationResolverContext context,
            ConfigDataLocation location) throws ConfigDataLocationNotFoundException {
        return List.of();
    }

    @Override
    public List<EtcdConfigDataResource> resolveProfileSpecific(ConfigDataLocationResolverContext context,
            ConfigDataLocation location, Profiles profiles) {
        Binder binder = context.getBinder();
        EtcdConfigProperties config = binder.bind(EtcdConfigProperties.PREFIX, Bindable.of(EtcdConfigProperties.class))
            .orElseGet(EtcdConfigProperties::new);
        registerClient(context.getBootstrapContext(), binder, config);
        List<String> profileNames = profiles.getAccepted();
        List<EtcdConfigDataResource> resources = new ArrayList<>();
        boolean defaultContexts = location.getNonPrefixedValue(PREFIX).isBlank();
        EtcdApi api = binder.bind("etcd.api", EtcdApi.class).orElse(EtcdApi.V3);
        for (String path : paths(location, binder, config, api)) {
            resources.add(
                    new EtcdConfigDataResource(path, config.getFormat(), location.isOptional(), defaultContexts));
            for (String profile : profileNames) {
                String profilePath = path.substring(0, path.length() - 1) + "," + profile + "/";
                resources.add(new EtcdConfigDataResource(profilePath, config.getFormat(), true, true));
            }
        }
        return resources;
    }

    private static List<String> paths(ConfigDataLocation location, Binder binder, EtcdConfigProperties config,
            EtcdApi api) {
        String spec = location.getNonPrefixedValue(PREFIX).strip();
        List<String> paths = new ArrayList<>();
        if (spec.isEmpty()) {
            String prefix = normalize(config.getPrefix(), location, api);
            paths.add(prefix + "application/");
            String name = binder.bind("spring.application.name", String.class).orElse(null);
            if (StringUtils.hasText(name) && !name.strip().equals("application")) {
                paths.add(prefix + name.strip() + "/");
            }
            return paths;
        }
        for (String path : spec.split(";")) {
            if (!path.isBlank()) {
                paths.add(normalize(path, location, api));
            }
        }
        return paths;
    }

    /**
     * On v3, the key prefix exactly as written, with a trailing {@code /} added when missing: {@code shop} and
     * {@code shop/} are the keys that begin with {@code shop/}, {@code /shop/} those that begin with {@code /shop/}.
     * On v2, whose keys are all rooted, the path with one leading and one trailing {@code /}; one with an empty,
     * {@code .} or {@code ..} segment is refused there.
     */
    private static String normalize(String path, ConfigDataLocation location, EtcdApi api) {
        if (api == EtcdApi.V3) {
            String prefix = path.strip();
            return (prefix.isEmpty() || prefix.endsWith("/")) ? prefix : prefix + "/";
        }
        String trimmed = path.strip();
        String inner = trimmed.replaceAll("^/+", "").replaceAll("/+$", "");
        for (String segment : inner.split("/", -1)) {
            if (!inner.isEmpty() && (segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
                throw new IllegalArgumentException("etcd path '" + trimmed + "' in the location '" + location
                        + "' has an empty, '.' or '..' segment");
            }
        }
        return inner.isEmpty() ? "/" : "/" + inner + "/";
    }

    /**
     * Registers the client once, and promotes its template into the application context when the bootstrap
     * context closes: the auto-configured template backs off for it. It has a name of its own, which no bean an
     * application defines later replaces (and closes in passing).
     */
    private static void registerClient(ConfigurableBootstrapContext bootstrap, Binder binder,
            EtcdConfigProperties config) {
        if (bootstrap.isRegistered(EtcdConfigClient.class)) {
            return;
        }
        bootstrap.register(EtcdConfigProperties.class, InstanceSupplier.of(config));
        bootstrap.register(EtcdConfigClient.class, InstanceSupplier.from(() -> EtcdConfigClient.create(binder)));
        bootstrap.registerIfAbsent(EtcdTemplate.class,
                (context) -> context.get(EtcdConfigClient.class).getTemplate());
        bootstrap.addCloseListener((event) -> {
            EtcdConfigClient client = event.getBootstrapContext().get(EtcdConfigClient.class);
            var beanFactory = event.getApplicationContext().getBeanFactory();
            beanFactory.registerSingleton(EtcdConfigClient.TEMPLATE_BEAN_NAME, client.getTemplate());
            if (beanFactory instanceof DefaultListableBeanFactory registry) {
                registry.registerDisposableBean(EtcdConfigClient.TEMPLATE_BEAN_NAME, client.getTemplate()::close);
            }
            beanFactory.registerSingleton("etcdConfigClient", client);
        });
    }
}
