// One job: v2's directories on v3's flat keyspace: a directory is the prefix dir + "/" and exists while a key
// lies below it. Here are the reads that say what a key is (itself, below it, its ancestors), the v2 tree built
// from a range of keys, and the v2 error a failed transaction's reads mean.
package dev.etcdspring.core.v3;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.internal.EtcdKeys;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The directory model of the v3 protocol.
 */
final class V3Directories {

    private static final V3Errors ERRORS = V3Errors.INSTANCE;

    private V3Directories() {
    }

    /**
     * The reads that say what a key is: the key itself, what lies below it (listed, or only counted), and how many
     * keys each ancestor is, in that order in a transaction's responses.
     */
    static ArrayNode surroundings(String key, List<String> ancestors, boolean listBelow, boolean serializable) {
        String prefix = V3Keys.dirPrefix(key);
        ArrayNode reads = V3Json.array();
        reads.add(V3Json.op("request_range", V3Json.rangeRequest(key, null, false, serializable)));
        reads.add(V3Json.op("request_range",
                V3Json.rangeRequest(prefix, V3Keys.prefixEnd(prefix), !listBelow, serializable)));
        ancestors.forEach((ancestor) -> reads
            .add(V3Json.op("request_range", V3Json.rangeRequest(ancestor, null, true, serializable))));
        return reads;
    }

    /** v2's "Not a directory" when one of the ancestors, counted from {@code first} in the responses, is a key. */
    static EtcdException blockedPath(String key, List<String> ancestors, JsonNode responses, int first,
            long revision) {
        for (int i = 0; i < ancestors.size(); i++) {
            if (V3Json.number(responses.path(first + i).path("response_range").path("count")) > 0) {
                return ERRORS.local(EtcdException.NOT_DIRECTORY, "Not a directory", ancestors.get(i), key, revision);
            }
        }
        return null;
    }

    /**
     * Why a write's or delete's own preconditions failed, from the key as the failed transaction read it: absent
     * (100), present for a create (105), or a differing value or index (101, with the key as it is).
     */
    static EtcdException preconditionFailed(String key, WriteOptions options, List<JsonNode> current,
            long revision) {
        if (current.isEmpty()) {
            return ERRORS.local(EtcdException.KEY_NOT_FOUND, "Key not found", key, key, revision);
        }
        if (Boolean.FALSE.equals(options.getPrevExist())) {
            return ERRORS.local(EtcdException.NODE_EXISTS, "Key already exists", key, key, revision);
        }
        JsonNode kv = current.get(0);
        List<String> causes = new ArrayList<>();
        if (options.getPrevValue() != null && !options.getPrevValue().equals(V3Json.text(kv.path("value")))) {
            causes.add("[" + options.getPrevValue() + " != " + V3Json.text(kv.path("value")) + "]");
        }
        if (options.getPrevIndex() != null && options.getPrevIndex() != V3Json.number(kv.path("mod_revision"))) {
            causes.add("[" + options.getPrevIndex() + " != " + V3Json.number(kv.path("mod_revision")) + "]");
        }
        return ERRORS.compareFailed(String.join(" ", causes), key, revision, V3Json.leaf(kv, Map.of()));
    }

    /**
     * Builds the v2 view of the keys below a directory: segments become nested directories, whose indices are the
     * lowest create and highest mod revision below them. Keys that the v2 model cannot hold (an empty segment, a
     * key that is also a directory) are left out, and so are hidden ({@code _}) names unless asked for, as v2
     * listings leave them out. Sorted, children are in the order of their names' code points, as v2 sorts.
     */
    static EtcdNode directory(String dir, List<JsonNode> kvs, ReadOptions options, boolean hidden,
            Map<String, Long> ttls) {
        Tree root = new Tree(dir);
        String prefix = V3Keys.dirPrefix(dir);
        for (JsonNode kv : kvs) {
            String key = V3Json.text(kv.path("key"));
            String[] segments = key.substring(prefix.length()).split("/", -1);
            if (!representable(segments, hidden)) {
                continue;
            }
            List<Tree> path = new ArrayList<>();
            Tree at = root;
            for (int i = 0; i < segments.length - 1 && at != null; i++) {
                path.add(at);
                at = at.subdirectory(segments[i]);
            }
            String name = segments[segments.length - 1];
            if (at != null && !at.children.containsKey(name)) {
                EtcdNode leaf = V3Json.leaf(kv, ttls);
                at.children.put(name, leaf);
                path.add(at);
                path.forEach((tree) -> tree.cover(leaf));
            }
        }
        return root.toNode(options.isRecursive() ? Integer.MAX_VALUE : 1, options.isSorted());
    }

    private static boolean representable(String[] segments, boolean hidden) {
        for (String segment : segments) {
            if (segment.isEmpty() || (!hidden && segment.startsWith("_"))) {
                return false;
            }
        }
        return true;
    }

    private static int compareCodePoints(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /** A directory being assembled from keys. */
    private static final class Tree {

        private final String key;

        private final Map<String, Object> children = new LinkedHashMap<>();

        private long created = Long.MAX_VALUE;

        private long modified;

        Tree(String key) {
            this.key = key;
        }

        void cover(EtcdNode leaf) {
            this.created = Math.min(this.created, leaf.createdIndex());
            this.modified = Math.max(this.modified, leaf.modifiedIndex());
        }

        /** The subdirectory of that name, made if absent; {@code null} where a key of that name holds a value. */
        Tree subdirectory(String name) {
            Object child = this.children.computeIfAbsent(name, (n) -> new Tree(EtcdKeys.child(this.key, n)));
            return (child instanceof Tree tree) ? tree : null;
        }

        EtcdNode toNode(int depth, boolean sorted) {
            List<EtcdNode> nodes = new ArrayList<>();
            if (depth > 0) {
                List<Map.Entry<String, Object>> entries = new ArrayList<>(this.children.entrySet());
                if (sorted) {
                    entries.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
                }
                for (Map.Entry<String, Object> child : entries) {
                    nodes.add((child.getValue() instanceof Tree tree) ? tree.toNode(depth - 1, sorted)
                            : (EtcdNode) child.getValue());
                }
            }
            return new EtcdNode(this.key, null, true, (this.created == Long.MAX_VALUE) ? 0 : this.created,
                    this.modified, null, null, nodes);
        }
    }
}
