package dev.etcdspring.config;

import java.util.Set;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a change to an imported etcd path has been applied: the property source holds the new values and
 * the {@code @ConfigurationProperties} beans that bind them are rebound. Listen with {@code @EventListener}.
 */
public class EtcdConfigChangedEvent extends ApplicationEvent {

    private final String path;

    private final Set<String> changedNames;

    private final long index;

    /**
     * Creates the event.
     *
     * @param source what applied the change
     * @param path the etcd path that changed
     * @param changedNames the property names added, modified or removed
     * @param index the etcd index (v2) or revision (v3) of the state applied
     */
    public EtcdConfigChangedEvent(Object source, String path, Set<String> changedNames, long index) {
        super(source);
        this.path = path;
        this.changedNames = Set.copyOf(changedNames);
        this.index = index;
    }

    /**
     * The etcd path that changed, such as {@code /config/myapp/}.
     *
     * @return the path
     */
    public String getPath() {
        return this.path;
    }

    /**
     * The names of the properties that were added, modified or removed.
     *
     * @return the names, never empty
     */
    public Set<String> getChangedNames() {
        return this.changedNames;
    }

    /**
     * The etcd index (v2) or revision (v3) of the state now applied.
     *
     * @return the index
     */
    public long getIndex() {
        return this.index;
    }

    @Override
    public String toString() {
        return "EtcdConfigChangedEvent[path=" + this.path + ", changedNames=" + this.changedNames + ", index="
                + this.index + "]";
    }
}
