package dev.etcdspring.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.ReadOptions;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Reads one path into a {@link EtcdPropertySource.Snapshot}; on the v3 API as {@link EtcdPrefixReader} reads it, on
 * v2 with one linearizable read (whatever the template's
 * read consistency: a refresh must not see a state older than the change that caused it): recursive for
 * {@link EtcdConfigFormat#KEY_VALUE}, of the path's own value for the document formats.
 */
final class EtcdConfigReader {

    private EtcdConfigReader() {
    }

    /**
     * Reads a path.
     *
     * @param etcd the client
     * @param path the path, with a trailing {@code /}
     * @param format how it holds configuration
     * @return the snapshot
     * @throws EtcdKeyNotFoundException if the path does not exist
     * @throws InvalidEtcdDocumentException if a document cannot be parsed
     */
    static EtcdPropertySource.Snapshot read(EtcdOperations etcd, String path, EtcdConfigFormat format) {
        if (etcd.api() == EtcdApi.V3) {
            return EtcdPrefixReader.read(etcd, path, format);
        }
        String key = path.substring(0, path.length() - 1);
        if (format == EtcdConfigFormat.KEY_VALUE) {
            EtcdResponse response = etcd.getResponse(key,
                    ReadOptions.defaults().recursive(true).sorted(true).quorum(true));
            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, String> keys = new LinkedHashMap<>();
            if (response.node().dir()) {
                collect(response.node(), key.length() + 1, values, keys);
            }
            return new EtcdPropertySource.Snapshot(values, keys, response.etcdIndex());
        }
        EtcdResponse response = etcd.getResponse(key, ReadOptions.defaults().quorum(true));
        if (response.node().dir()) {
            throw new InvalidEtcdDocumentException("etcd path " + key + " is a directory, but etcd.config.format="
                    + format.name().toLowerCase(java.util.Locale.ROOT) + " reads one key holding a document");
        }
        return document(key, response.node().value(), format, response.etcdIndex());
    }

    private static void collect(EtcdNode dir, int prefixLength, Map<String, Object> values, Map<String, String> keys) {
        for (EtcdNode node : dir.nodes()) {
            if (node.dir()) {
                collect(node, prefixLength, values, keys);
            }
            else {
                String name = propertyName(node.key().substring(prefixLength));
                values.put(name, node.value());
                keys.put(name, node.key());
            }
        }
    }

    /**
     * The property name of a key below the path: segments joined with {@code .}, a numeric segment (after the
     * first) as a list index: {@code servers/0/host} is {@code servers[0].host}. A segment may itself hold dots.
     * A segment (after the first) with characters a property name cannot hold, such as a space or a non-ASCII
     * letter, is kept whole in brackets ({@code flags/dark mode} is {@code flags[dark mode]}), so that it binds as
     * a map key as it is rather than with those characters dropped.
     *
     * @param relativeKey the key below the path, without a leading {@code /}
     * @return the property name
     */
    static String propertyName(String relativeKey) {
        StringBuilder name = new StringBuilder(relativeKey.length() + 4);
        for (String segment : relativeKey.split("/")) {
            if (name.length() > 0 && (isIndex(segment) || needsBrackets(segment))) {
                name.append('[').append(segment).append(']');
            }
            else {
                if (name.length() > 0) {
                    name.append('.');
                }
                name.append(segment);
            }
        }
        return name.toString();
    }

    private static boolean needsBrackets(String segment) {
        if (segment.indexOf('.') >= 0 || segment.indexOf('[') >= 0 || segment.indexOf(']') >= 0) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
            if (!plain) {
                return true;
            }
        }
        return false;
    }

    private static boolean isIndex(String segment) {
        if (segment.isEmpty() || segment.length() > 9) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static EtcdPropertySource.Snapshot document(String key, String text, EtcdConfigFormat format,
            long index) {
        PropertySourceLoader loader = (format == EtcdConfigFormat.YAML) ? new YamlPropertySourceLoader()
                : new PropertiesPropertySourceLoader();
        List<PropertySource<?>> documents;
        try {
            documents = loader.load(key, new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8), "etcd key " + key));
        }
        catch (IOException | RuntimeException ex) {
            // Neither the parser's message nor the exception itself: both quote the document, which may hold secrets.
            throw new InvalidEtcdDocumentException("etcd key " + key + " does not hold a valid "
                    + format.name().toLowerCase(java.util.Locale.ROOT) + " document (" + ex.getClass().getSimpleName()
                    + "); check it with a " + format.name().toLowerCase(java.util.Locale.ROOT) + " parser");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        for (PropertySource<?> document : documents) {
            if (document.containsProperty("spring.config.activate.on-profile")
                    || document.containsProperty("spring.config.activate.on-cloud-platform")) {
                throw new InvalidEtcdDocumentException("etcd key " + key + " holds a document activated by "
                        + "spring.config.activate.*, which a document in etcd cannot be: put a profile's configuration "
                        + "under " + key + ",<profile> instead");
            }
            if (document instanceof EnumerablePropertySource<?> enumerable) {
                for (String name : enumerable.getPropertyNames()) {
                    Object value = enumerable.getProperty(name);
                    values.put(name, (value instanceof OriginTrackedValue tracked) ? tracked.getValue() : value);
                    keys.put(name, key);
                }
            }
        }
        return new EtcdPropertySource.Snapshot(values, keys, index);
    }
}
