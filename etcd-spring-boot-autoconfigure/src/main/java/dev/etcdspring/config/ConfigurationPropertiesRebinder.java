package dev.etcdspring.config;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;

/**
 * Rebinds, in place, the {@code @ConfigurationProperties} beans whose prefix covers a changed property name. Each is
 * bound afresh into a new instance by Spring Boot's own binding post-processor (converters and validation
 * included), whose properties are then copied into the bean: a removed property falls back to its default, and a
 * bean whose new values do not bind or validate keeps its old ones. A constructor-bound bean (a record, say) cannot
 * change in place: that is logged once per bean. Only the prefix decides: a bean whose value comes through a
 * placeholder ({@code app.url=${db.host}}) is not rebound when {@code db.host} changes.
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
        Object target = bean;
        if (AopUtils.isAopProxy(bean)) {
            target = AopProxyUtils.getSingletonTarget(bean);
            if (target == null) {
                // A scoped proxy (Spring Cloud's @RefreshScope, say): its scope builds it again, not this.
                return false;
            }
        }
        try {
            Object fresh = newInstance(target.getClass());
            if (fresh == null) {
                // No way to learn the defaults: bind over the current state; a removed property keeps its value.
                binder.postProcessBeforeInitialization(target, beanName);
                return true;
            }
            binder.postProcessBeforeInitialization(fresh, beanName);
            List<Runnable> writes = new ArrayList<>();
            plan(fresh, target, writes, 0);
            writes.forEach(Runnable::run);
            return true;
        }
        catch (RuntimeException ex) {
            // Not the exception's message: a conversion or validation failure quotes the value, which may be secret.
            logger.error("Could not rebind the @ConfigurationProperties bean '" + beanName + "' to the configuration "
                    + "from etcd (" + describe(ex) + "); it keeps its previous values");
            logger.debug("Rebinding '" + beanName + "' failed", ex);
            return false;
        }
    }

    /** The exception's type, and the property it is about when binding says so: never a value. */
    private static String describe(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return "property " + bind.getName() + " does not bind";
            }
        }
        return ex.getClass().getSimpleName();
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
     * Plans the copy of every bound property of {@code from} into {@code to}, reading everything before anything is
     * written: a property with a setter gets the fresh value; a read-only collection or map (a final field, say) the
     * fresh elements; a read-only nested object the fresh state, property by property. Only JavaBean properties are
     * copied, never other fields (what {@code *Aware} callbacks or a proxy set).
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static void plan(Object from, Object to, List<Runnable> writes, int depth) {
        if (depth > 16) {
            return;
        }
        BeanWrapper source = new BeanWrapperImpl(from);
        BeanWrapper target = new BeanWrapperImpl(to);
        for (PropertyDescriptor property : source.getPropertyDescriptors()) {
            String name = property.getName();
            if (name.equals("class") || !source.isReadableProperty(name) || !target.isReadableProperty(name)) {
                continue;
            }
            Object value = source.getPropertyValue(name);
            if (target.isWritableProperty(name)) {
                writes.add(() -> target.setPropertyValue(name, value));
                continue;
            }
            Object current = target.getPropertyValue(name);
            if (current == null || value == null || current == value) {
                continue;
            }
            if (current instanceof Collection collection && value instanceof Collection values) {
                List<Object> elements = new ArrayList<>(values);
                writes.add(() -> {
                    collection.clear();
                    collection.addAll(elements);
                });
            }
            else if (current instanceof Map map && value instanceof Map values) {
                Map<Object, Object> entries = new LinkedHashMap<>(values);
                writes.add(() -> {
                    map.clear();
                    map.putAll(entries);
                });
            }
            else if (current.getClass() == value.getClass() && !BeanUtils.isSimpleProperty(current.getClass())) {
                plan(value, current, writes, depth + 1);
            }
        }
    }
}
