package dev.etcdspring.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ReflectionUtils;

/**
 * Rebinds, in place, the {@code @ConfigurationProperties} beans whose prefix covers a changed property name. Each is
 * bound afresh into a new instance by Spring Boot's own binding post-processor (converters and validation
 * included), whose state is then copied into the bean: a removed property falls back to its default, and a bean
 * whose new values do not bind or validate keeps its old ones. A constructor-bound bean (a record, say) cannot
 * change in place: that is logged once per bean.
 */
final class ConfigurationPropertiesRebinder {

    private static final Log logger = LogFactory.getLog(ConfigurationPropertiesRebinder.class);

    private final ApplicationContext context;

    private final Set<String> reportedImmutable = ConcurrentHashMap.newKeySet();

    ConfigurationPropertiesRebinder(ApplicationContext context) {
        this.context = context;
    }

    /**
     * Rebinds the beans the changed names concern.
     *
     * @param changedNames the property names added, modified or removed
     * @return the names of the beans rebound
     */
    Set<String> rebind(Set<String> changedNames) {
        Set<String> rebound = new java.util.TreeSet<>();
        ConfigurationPropertiesBindingPostProcessor binder = this.context.getBean(
                ConfigurationPropertiesBindingPostProcessor.BEAN_NAME, ConfigurationPropertiesBindingPostProcessor.class);
        for (Map.Entry<String, ConfigurationPropertiesBean> entry : ConfigurationPropertiesBean.getAll(this.context)
            .entrySet()) {
            ConfigurationPropertiesBean bean = entry.getValue();
            if (!concerns(bean.getAnnotation().prefix(), changedNames)) {
                continue;
            }
            if (bean.asBindTarget().getBindMethod() == BindMethod.VALUE_OBJECT) {
                if (this.reportedImmutable.add(entry.getKey())) {
                    logger.warn("The @ConfigurationProperties bean '" + entry.getKey() + "' ("
                            + bean.getInstance().getClass().getName() + ") binds through its constructor and cannot "
                            + "change in place: it keeps the values it started with. Bind it with setters, or "
                            + "read the values through the Environment or an EtcdConfigChangedEvent listener.");
                }
                continue;
            }
            if (rebind(binder, entry.getKey(), bean.getInstance())) {
                rebound.add(entry.getKey());
            }
        }
        return rebound;
    }

    private static boolean concerns(String prefix, Set<String> changedNames) {
        if (prefix == null || prefix.isEmpty()) {
            return true;
        }
        ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
        for (String name : changedNames) {
            ConfigurationPropertyName changed = ConfigurationPropertyName.adapt(name, '.');
            if (root.equals(changed) || root.isAncestorOf(changed)) {
                return true;
            }
        }
        return false;
    }

    private boolean rebind(ConfigurationPropertiesBindingPostProcessor binder, String beanName, Object bean) {
        if (AopUtils.isAopProxy(bean)) {
            // A proxied bean (Spring Cloud's @RefreshScope, say) is rebuilt by its scope, not here.
            return false;
        }
        try {
            Object fresh = newInstance(bean.getClass());
            if (fresh == null) {
                // No way to learn the defaults: bind over the current state; a removed property keeps its value.
                binder.postProcessBeforeInitialization(bean, beanName);
                return true;
            }
            binder.postProcessBeforeInitialization(fresh, beanName);
            copyState(fresh, bean);
            return true;
        }
        catch (RuntimeException ex) {
            logger.error("Could not rebind the @ConfigurationProperties bean '" + beanName + "' to the configuration "
                    + "from etcd; it keeps its previous values", ex);
            return false;
        }
    }

    private static Object newInstance(Class<?> type) {
        try {
            return BeanUtils.instantiateClass(type.getDeclaredConstructor());
        }
        catch (NoSuchMethodException | RuntimeException ex) {
            return null;
        }
    }

    /**
     * Copies every field of {@code from} into {@code to}: a final collection or map gets the other's elements, a
     * final nested object the other's state.
     */
    private static void copyState(Object from, Object to) {
        ReflectionUtils.doWithFields(from.getClass(), (field) -> copyField(field, from, to),
                (field) -> !Modifier.isStatic(field.getModifiers()) && !field.isSynthetic());
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static void copyField(Field field, Object from, Object to) throws IllegalAccessException {
        ReflectionUtils.makeAccessible(field);
        Object value = field.get(from);
        if (!Modifier.isFinal(field.getModifiers())) {
            field.set(to, value);
            return;
        }
        Object target = field.get(to);
        if (target == null || value == null || target == value) {
            return;
        }
        if (target instanceof Collection collection && value instanceof Collection values) {
            collection.clear();
            collection.addAll(values);
        }
        else if (target instanceof Map map && value instanceof Map values) {
            map.clear();
            map.putAll(values);
        }
        else if (target.getClass() == value.getClass() && !target.getClass().getName().startsWith("java.")) {
            copyState(value, target);
        }
    }
}
