package dev.etcdspring.autoconfigure;

import dev.etcdspring.core.EtcdTemplate;

/**
 * Customizes the {@link EtcdTemplate.Builder} of the auto-configured template, after the {@code etcd.*}
 * properties are applied and before the template is built: to choose another HTTP backend
 * ({@code builder.requestFactory(...)}), add a listener, or set what no property covers. Declare one or more as
 * beans; they run in {@link org.springframework.core.annotation.Order @Order}.
 */
@FunctionalInterface
public interface EtcdTemplateBuilderCustomizer {

    /**
     * Customizes the builder.
     *
     * @param builder the builder to customize
     */
    void customize(EtcdTemplate.Builder builder);
}
