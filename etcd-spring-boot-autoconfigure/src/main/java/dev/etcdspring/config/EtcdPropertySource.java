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

    private volatile Contents contents;

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
        update(snapshot);
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
        return this.contents.snapshot().index();
    }

    /**
     * The current contents.
     *
     * @return the snapshot
     */
    public Snapshot getSnapshot() {
        return this.contents.snapshot();
    }

    /**
     * Replaces the contents at once: a reader sees either the old snapshot or the new one, never a mix.
     *
     * @param snapshot the new contents
     */
    void update(Snapshot snapshot) {
        this.contents = new Contents(snapshot, snapshot.values().keySet().toArray(new String[0]));
    }

    @Override
    public Object getProperty(String name) {
        return this.contents.snapshot().values().get(name);
    }

    @Override
    public boolean containsProperty(String name) {
        return this.contents.snapshot().values().containsKey(name);
    }

    /**
     * The property names, as the same array until the contents change: Spring Boot checks a mutable source's names
     * for changes on every property lookup, which costs nothing when the array is the one it saw last, and a copy
     * and comparison of every name when it is a new one (half a second of start-up for 10,000 names). Callers must
     * not modify it.
     *
     * @return the names
     */
    @Override
    public String[] getPropertyNames() {
        return this.contents.names();
    }

    @Override
    public Origin getOrigin(String name) {
        String key = this.contents.snapshot().keys().get(name);
        return (key != null) ? new EtcdKeyOrigin(key) : null;
    }

    @Override
    public String toString() {
        // Never the values: they may be secrets.
        return getClass().getSimpleName() + " {name='" + getName() + "', properties=" + this.contents.snapshot().values().size()
                + ", index=" + this.contents.snapshot().index() + "}";
    }

    /** A snapshot and its property names, replaced together. */
    private record Contents(Snapshot snapshot, String[] names) {
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
