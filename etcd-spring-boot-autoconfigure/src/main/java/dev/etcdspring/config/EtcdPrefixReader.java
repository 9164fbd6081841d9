// One job: reading an 'etcd:' location on the v3 API as v3 holds it: every key that begins with the prefix exactly
// as written, a key that is both a value and a prefix giving both properties, in one consistent state.
package dev.etcdspring.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.kv.KeyRange;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.kv.KvBytes;
import dev.etcdspring.core.kv.RangeOptions;
import dev.etcdspring.core.kv.RangeResult;

/**
 * The v3 reading of a path: the path is a key prefix, taken byte for byte ({@code shop/} is every key that begins
 * with {@code shop/}; {@code /shop/} every key that begins with {@code /shop/}). The keys are read linearizably,
 * page by page at one revision. {@code /cfg/server = x} and {@code /cfg/server/port = 8080} below {@code /cfg/}
 * are the properties {@code server} and {@code server.port}.
 *
 * <p>A key below the prefix that cannot be a property name as it is (an empty segment, such as
 * {@code /cfg//x}; bytes that are not UTF-8) fails the read with an {@link InvalidEtcdDocumentException} naming
 * it, rather than being left out.
 */
final class EtcdPrefixReader {

    /** How many keys one request of a read takes. */
    private static final int PAGE_SIZE = 1000;

    private EtcdPrefixReader() {
    }

    /**
     * Reads a prefix, or, for the document formats, the key that is the path without its trailing {@code /}.
     *
     * @param etcd a client of the v3 API
     * @param path the prefix, ending with {@code /}
     * @param format how it holds configuration
     * @return the snapshot
     * @throws EtcdKeyNotFoundException if no key begins with the prefix (or the document's key does not exist)
     */
    static EtcdPropertySource.Snapshot read(EtcdOperations etcd, String path, EtcdConfigFormat format) {
        EtcdKeyValueOperations kv = etcd.opsForKeyValue();
        if (format != EtcdConfigFormat.KEY_VALUE) {
            String key = path.substring(0, path.length() - 1);
            RangeResult found = kv.get(key, RangeOptions.defaults().serializable(false));
            if (found.first() == null) {
                throw notFound("no key '" + key + "'", key, found.revision());
            }
            return EtcdConfigReader.document(key, text(found.first().valueBytes(), key), format, found.revision());
        }
        byte[] prefix = path.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        RangeResult first = kv.get(prefix, RangeOptions.prefix().serializable(false).limit(PAGE_SIZE));
        if (first.kvs().isEmpty()) {
            throw notFound("no key begins with '" + path + "'", path, first.revision());
        }
        first.kvs().forEach((entry) -> add(entry, path, values, keys));
        if (first.more()) {
            // The rest at the first page's revision: the snapshot is one state of the keyspace.
            byte[] last = first.kvs().get(first.kvs().size() - 1).keyBytes();
            RangeOptions rest = RangeOptions.defaults().range(KeyRange.to(KvBytes.prefixEnd(prefix)))
                .revision(first.revision()).serializable(false);
            kv.scan(Arrays.copyOf(last, last.length + 1), rest, PAGE_SIZE)
                .forEach((entry) -> add(entry, path, values, keys));
        }
        return new EtcdPropertySource.Snapshot(values, keys, first.revision());
    }

    private static void add(KeyValue entry, String path, Map<String, Object> values, Map<String, String> keys) {
        String key = text(entry.keyBytes(), null);
        String relative = key.substring(path.length());
        if (relative.isEmpty() || relative.startsWith("/") || relative.endsWith("/") || relative.contains("//")) {
            throw new InvalidEtcdDocumentException("etcd key '" + key + "' below '" + path
                    + "' has an empty segment, so it cannot be a property name as it is; rename it, or import a "
                    + "prefix that leaves it out");
        }
        String name = EtcdConfigReader.propertyName(relative);
        values.put(name, text(entry.valueBytes(), key));
        keys.put(name, key);
    }

    /**
     * Text from UTF-8 bytes; bytes that are not UTF-8 are refused, naming the key, rather than replaced. A key is
     * shown escaped; a value never (it may be a secret).
     */
    private static String text(byte[] bytes, String key) {
        try {
            return KvBytes.text(bytes, "the etcd key");
        }
        catch (IllegalStateException ex) {
            String what = (key != null) ? "the value of etcd key '" + key + "' (" + bytes.length + " bytes)"
                    : "the etcd key " + KvBytes.display(bytes);
            throw new InvalidEtcdDocumentException(what + " is not valid UTF-8, so it cannot be configuration");
        }
    }

    private static EtcdKeyNotFoundException notFound(String what, String key, long revision) {
        // Seen in etcd's answer (a 200): not a status of 0, which means no answer, and which the loader retries as
        // etcd out of reach.
        return new EtcdKeyNotFoundException("Key not found: " + what,
                EtcdException.Details.forKey(key).errorCode(EtcdException.KEY_NOT_FOUND).httpStatus(200).index(revision)
                    .build(),
                null);
    }
}
