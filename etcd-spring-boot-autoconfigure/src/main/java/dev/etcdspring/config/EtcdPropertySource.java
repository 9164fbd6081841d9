package dev.etcdspring.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * The configuration under one etcd path: an immutable snapshot of property names, values and the keys they came
 * from, and the etcd index it was read at. Its name ({@code etcd:/config/myapp/}) stays the same for the path, so
 * that a refresh replaces its contents rather than adding a source.
 */
public class EtcdPropertySource extends EnumerablePropertySource<String> implements OriginLookup<String> {

    private final EtcdConfigFormat format;

    private volatile Snapshot snapshot;

    /**
     * Creates a property source.
     *
     * @param name the source's name
     * @param path the etcd path it holds
     * @param format how the path holds configuration
     * @param snapshot its contents
     */
    public EtcdPropertySource(String name, String path, EtcdConfigFormat format, Snapshot snapshot) {
        super(name, path);
        this.format = format;
        this.snapshot = snapshot;
    }

    /**
     * How the path holds configuration, to read it again the same way.
     *
     * @return the format
     */
    public EtcdConfigFormat getFormat() {
        return this.format;
    }

    /**
     * The etcd path this source holds.
     *
     * @return the path
     */
    public String getPath() {
        return getSource();
    }

    /**
     * The etcd index (v2) or revision (v3) the contents were read at: a watch from the next one misses nothing.
     *
     * @return the index
     */
    public long getIndex() {
        return this.snapshot.index();
    }

    /**
     * The current contents.
     *
     * @return the snapshot
     */
    public Snapshot getSnapshot() {
        return this.snapshot;
    }

    /**
     * Replaces the contents at once: a reader sees either the old snapshot or the new one, never a mix.
     *
     * @param snapshot the new contents
     */
    void update(Snapshot snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public Object getProperty(String name) {
        return this.snapshot.values().get(name);
    }

    @Override
    public boolean containsProperty(String name) {
        return this.snapshot.values().containsKey(name);
    }

    @Override
    public String[] getPropertyNames() {
        return this.snapshot.values().keySet().toArray(new String[0]);
    }

    @Override
    public Origin getOrigin(String name) {
        String key = this.snapshot.keys().get(name);
        return (key != null) ? new EtcdKeyOrigin(key) : null;
    }

    @Override
    public String toString() {
        // Never the values: they may be secrets.
        return getClass().getSimpleName() + " {name='" + getName() + "', properties=" + this.snapshot.values().size()
                + ", index=" + this.snapshot.index() + "}";
    }

    /**
     * The contents of a source: property name to value and to the key it came from, in order, and the index they
     * were read at.
     *
     * @param values property name to value
     * @param keys property name to etcd key
     * @param index the etcd index or revision of the read
     */
    public record Snapshot(Map<String, Object> values, Map<String, String> keys, long index) {

        /**
         * Creates a snapshot; the maps are copied and cannot be changed through it.
         *
         * @param values property name to value
         * @param keys property name to etcd key
         * @param index the etcd index or revision of the read
         */
        public Snapshot {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
            keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        }

        /**
         * Nothing, as read at an index: a path that does not exist (yet).
         *
         * @param index the etcd index or revision of the read
         * @return an empty snapshot
         */
        public static Snapshot empty(long index) {
            return new Snapshot(Map.of(), Map.of(), index);
        }

        @Override
        public String toString() {
            // Never the values: they may be secrets.
            return "Snapshot[names=" + this.values.keySet() + ", index=" + this.index + "]";
        }
    }
}
