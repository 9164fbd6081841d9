// One job: v2's directories on v3's flat keyspace: a directory is the prefix dir + "/" and exists while a key
// lies below it. Here are the reads that say what a key is (itself, below it, its ancestors), the v2 tree built
// from a range of keys (refusing, never skipping, a key the tree cannot hold), and the v2 error a failed
// transaction's reads mean.
package dev.etcdspring.core.v3;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
     * lowest create and highest mod revision below them. Hidden ({@code _}) names are left out unless asked for,
     * as v2 listings leave them out. Sorted, children are in the order of their names' code points, as v2 sorts.
     * A key that the v2 model cannot hold fails the whole view rather than be left out of it (see
     * {@link #check}); only then are the time-to-live reads made, for the keys shown.
     *
     * @param ttls the remaining time to live of the shown keys' leases, by lease id, asked once
     */
    static EtcdNode directory(String dir, List<JsonNode> kvs, ReadOptions options, boolean hidden, long revision,
            Function<List<JsonNode>, Map<String, Long>> ttls) {
        Tree root = tree(dir, kvs, hidden, revision);
        Map<String, Long> leases = ttls.apply(root.leaves(new ArrayList<>()));
        return root.toNode(options.isRecursive() ? Integer.MAX_VALUE : 1, options.isSorted(), leases);
    }

    /**
     * Checks that the directory model can show every key of a directory's range (hidden keys included when
     * {@code hidden}), whatever depth a listing shows: a key that holds a value and has keys below it, or that
     * has an empty segment below the directory, is an {@link dev.etcdspring.core.EtcdKeyspaceConflictException}
     * naming it.
     */
    static void check(String dir, List<JsonNode> kvs, boolean hidden, long revision) {
        tree(dir, kvs, hidden, revision);
    }

    /**
     * A read of {@code key} found it holding a value: the value alone is the answer unless keys that a listing
     * would show lie below it too ({@code below}, the range below it), which the model cannot show beside it.
     */
    static void checkLeaf(String key, List<JsonNode> below, long revision) {
        String prefix = V3Keys.dirPrefix(key);
        for (JsonNode kv : below) {
            String name = V3Json.text(kv.path("key"));
            if (segments(prefix, name, false) != null) {
                throw ERRORS.valueWithKeysBelow(key, name, key, revision);
            }
        }
    }

    /** The tree of a directory's range; throws for a key it cannot hold. */
    private static Tree tree(String dir, List<JsonNode> kvs, boolean hidden, long revision) {
        Tree root = new Tree(dir);
        String prefix = V3Keys.dirPrefix(dir);
        for (JsonNode kv : kvs) {
            String key = V3Json.text(kv.path("key"));
            String[] segments = segments(prefix, key, hidden);
            if (segments == null) {
                continue;
            }
            if (Arrays.asList(segments).contains("")) {
                throw ERRORS.emptySegment(key, dir, revision);
            }
            List<Tree> path = new ArrayList<>();
            Tree at = root;
            for (int i = 0; i < segments.length - 1; i++) {
                path.add(at);
                Object child = at.child(segments[i]);
                if (!(child instanceof Tree tree)) {
                    throw ERRORS.valueWithKeysBelow(V3Json.text(((JsonNode) child).path("key")), key, dir, revision);
                }
                at = tree;
            }
            String name = segments[segments.length - 1];
            Object existing = at.children.get(name);
            if (existing instanceof Tree tree) {
                throw ERRORS.valueWithKeysBelow(key, tree.firstBelow, dir, revision);
            }
            if (existing == null) {
                at.children.put(name, kv);
                path.add(at);
                long created = V3Json.number(kv.path("create_revision"));
                long modified = V3Json.number(kv.path("mod_revision"));
                path.forEach((tree) -> tree.cover(key, created, modified));
            }
        }
        return root;
    }

    /**
     * The segments of a key below {@code prefix} ({@code /a//b} and {@code /a/b/} below {@code /a/} have an empty
     * one, and so has {@code /a/} itself); {@code null} for a hidden key (a {@code _} segment before any empty one)
     * unless {@code hidden}, as v2 leaves those out whatever else they hold.
     */
    private static String[] segments(String prefix, String key, boolean hidden) {
        String[] segments = key.substring(prefix.length()).split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return segments;
            }
            if (!hidden && segment.startsWith("_")) {
                return null;
            }
        }
        return segments;
    }

    private static int compareCodePoints(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /** A directory being assembled from keys: its children are trees and the keys' JSON. */
    private static final class Tree {

        private final String key;

        private final Map<String, Object> children = new LinkedHashMap<>();

        private long created = Long.MAX_VALUE;

        private long modified;

        /** The first key placed below it, to name should a key of the directory's own name hold a value. */
        private String firstBelow;

        Tree(String key) {
            this.key = key;
        }

        void cover(String below, long createdIndex, long modifiedIndex) {
            this.created = Math.min(this.created, createdIndex);
            this.modified = Math.max(this.modified, modifiedIndex);
            if (this.firstBelow == null) {
                this.firstBelow = below;
            }
        }

        /** The child of that name, a new subdirectory if absent; the key's JSON where that name holds a value. */
        Object child(String name) {
            return this.children.computeIfAbsent(name, (n) -> new Tree(EtcdKeys.child(this.key, n)));
        }

        List<JsonNode> leaves(List<JsonNode> into) {
            for (Object child : this.children.values()) {
                if (child instanceof Tree tree) {
                    tree.leaves(into);
                }
                else {
                    into.add((JsonNode) child);
                }
            }
            return into;
        }

        EtcdNode toNode(int depth, boolean sorted, Map<String, Long> ttls) {
            List<EtcdNode> nodes = new ArrayList<>();
            if (depth > 0) {
                List<Map.Entry<String, Object>> entries = new ArrayList<>(this.children.entrySet());
                if (sorted) {
                    entries.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
                }
                for (Map.Entry<String, Object> child : entries) {
                    nodes.add((child.getValue() instanceof Tree tree) ? tree.toNode(depth - 1, sorted, ttls)
                            : V3Json.leaf((JsonNode) child.getValue(), ttls));
                }
            }
            return new EtcdNode(this.key, null, true, (this.created == Long.MAX_VALUE) ? 0 : this.created,
                    this.modified, null, null, nodes);
        }
    }
}
