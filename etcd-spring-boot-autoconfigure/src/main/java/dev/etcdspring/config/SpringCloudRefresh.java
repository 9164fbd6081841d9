package dev.etcdspring.config;

import java.util.Set;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * What Spring Cloud's refresh does after the environment changed, without its second full re-import of every
 * configuration source: an {@link EnvironmentChangeEvent} with the changed names, then a refresh of the
 * {@link RefreshScope}, so that {@code @RefreshScope} beans are built again. Nothing without
 * {@code spring-cloud-context}.
 */
final class SpringCloudRefresh {

    private static final boolean PRESENT = ClassUtils.isPresent(
            "org.springframework.cloud.context.environment.EnvironmentChangeEvent", SpringCloudRefresh.class.getClassLoader());

    private SpringCloudRefresh() {
    }

    static void publish(ConfigurableApplicationContext context, Set<String> changedNames) {
        if (PRESENT) {
            Cloud.publish(context, changedNames);
        }
    }

    /** Apart, so that Spring Cloud's classes are loaded only when they are there. */
    private static final class Cloud {

        static void publish(ConfigurableApplicationContext context, Set<String> changedNames) {
            context.publishEvent(new EnvironmentChangeEvent(context, changedNames));
            context.getBeanProvider(RefreshScope.class).ifAvailable(RefreshScope::refreshAll);
        }
    }
}
