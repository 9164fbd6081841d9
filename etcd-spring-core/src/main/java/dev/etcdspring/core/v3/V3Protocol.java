package dev.etcdspring.core.v3;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdMember;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.internal.EtcdCredentials;
import dev.etcdspring.core.internal.EtcdErrors;
import dev.etcdspring.core.internal.EtcdJson;
import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.internal.EtcdProtocol;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import dev.etcdspring.core.internal.HttpTransport;
import dev.etcdspring.core.internal.Pauses;
import dev.etcdspring.core.internal.ReadPosition;
import dev.etcdspring.core.internal.WatchSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * The v3 JSON gateway. A key is its normalised path; a directory is the prefix {@code dir + "/"} and exists
 * while a key lies below it. Every write is a transaction whose comparisons keep the v2 model (no key below a
 * key, no value on a directory) and carry the caller's preconditions; when they fail, the same transaction reads
 * what the v2 error code needs. A time to live is a lease granted for the write.
 */
public final class V3Protocol implements EtcdProtocol {

    /** The shared mapper, built on first use: see {@link EtcdJson}. */
    private static JsonMapper json() {
        return EtcdJson.MAPPER;
    }

    private static final Logger logger = LoggerFactory.getLogger(V3Protocol.class);

    /** How many names {@code createInOrder} tries while other writers keep taking them. */
    private static final int IN_ORDER_ATTEMPTS = 100;

    private static final String[] GRPC_CODES = { "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
            "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
            "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated" };

    private static final int GRPC_UNAUTHENTICATED = 16;

    private final HttpTransport transport;

    private final EtcdCredentials credentials;

    /** The auth token; {@code ""} once the server said it has no authentication. Guarded by {@code this}. */
    private String token;

    /**
     * Creates the protocol over a transport.
     *
     * @param transport the transport
     * @param credentials the user and password to obtain tokens with; {@code null} for none
     */
    public V3Protocol(HttpTransport transport, EtcdCredentials credentials) {
        this.transport = transport;
        this.credentials = credentials;
    }

    @Override
    public EtcdApi api() {
        return EtcdApi.V3;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public EtcdResponse get(String key, ReadOptions options) {
        Duration timeout = options.getTimeout();
        boolean serializable = !options.isQuorum();
        String prefix = V3Keys.dirPrefix(key);
        if (key.equals(EtcdKeys.ROOT)) {
            ObjectNode all = rangeRequest(prefix, V3Keys.prefixEnd(prefix), false, serializable);
            JsonNode answer = post("/v3/kv/range", all, true, timeout, key);
            List<JsonNode> kvs = list(answer, "kvs");
            return response("get", directory(key, kvs, options, false, leases(kvs, timeout)), null, answer);
        }
        // Most reads are of a key with a value: one range finds it. A recursive read is of a directory (a whole
        // configuration tree, say): the transaction below answers it alone, in one request.
        if (!options.isRecursive()) {
            JsonNode single = post("/v3/kv/range", rangeRequest(key, null, false, serializable), true, timeout, key);
            List<JsonNode> found = list(single, "kvs");
            if (!found.isEmpty()) {
                return response("get", leaf(found.get(0), leases(found, timeout)), null, single);
            }
        }
        // Otherwise one read-only transaction sees the key, what lies below it and its ancestors in one state.
        List<String> ancestors = V3Keys.ancestors(key);
        JsonNode answer = txn(json().createArrayNode(), surroundings(key, ancestors, true, serializable),
                json().createArrayNode(), true, timeout, key);
        JsonNode responses = answer.path("responses");
        List<JsonNode> exact = list(responses.path(0).path("response_range"), "kvs");
        if (!exact.isEmpty()) {
            return response("get", leaf(exact.get(0), leases(exact, timeout)), null, answer);
        }
        List<JsonNode> below = list(responses.path(1).path("response_range"), "kvs");
        if (!below.isEmpty()) {
            return response("get", directory(key, below, options, false, leases(below, timeout)), null, answer);
        }
        long revision = number(answer.path("header").path("revision"));
        EtcdException blocked = blockedPath(key, ancestors, responses, 2, revision);
        throw (blocked != null) ? blocked : local(EtcdException.KEY_NOT_FOUND, "Key not found", key, key, revision);
    }

    /**
     * The reads that say what a key is: the key itself, what lies below it (listed, or only counted), and how many
     * keys each ancestor is, in that order in a transaction's responses.
     */
    private static ArrayNode surroundings(String key, List<String> ancestors, boolean listBelow,
            boolean serializable) {
        String prefix = V3Keys.dirPrefix(key);
        ArrayNode reads = json().createArrayNode();
        reads.add(op("request_range", rangeRequest(key, null, false, serializable)));
        reads.add(op("request_range", rangeRequest(prefix, V3Keys.prefixEnd(prefix), !listBelow, serializable)));
        ancestors.forEach((ancestor) -> reads.add(op("request_range", rangeRequest(ancestor, null, true, serializable))));
        return reads;
    }

    private static ObjectNode rangeRequest(String key, String rangeEnd, boolean countOnly, boolean serializable) {
        ObjectNode range = json().createObjectNode().put("key", V3Keys.base64(key));
        if (rangeEnd != null) {
            range.put("range_end", rangeEnd);
        }
        if (countOnly) {
            range.put("count_only", true);
        }
        if (serializable) {
            range.put("serializable", true);
        }
        return range;
    }

    /** The remaining time to live of each lease the keys are attached to, by lease id. */
    private Map<String, Long> leases(List<JsonNode> kvs, Duration timeout) {
        Map<String, Long> ttls = new HashMap<>();
        for (JsonNode kv : kvs) {
            String lease = kv.path("lease").asString("");
            if (!lease.isEmpty() && !lease.equals("0") && !ttls.containsKey(lease)) {
                JsonNode live = post("/v3/lease/timetolive", json().createObjectNode().put("ID", lease), true, timeout,
                        text(kv.path("key")));
                ttls.put(lease, Math.max(0, number(live.path("TTL"))));
            }
        }
        return ttls;
    }

    private static EtcdNode leaf(JsonNode kv, Map<String, Long> ttls) {
        Long ttl = ttls.get(kv.path("lease").asString(""));
        return new EtcdNode(text(kv.path("key")), text(kv.path("value")), false, number(kv.path("create_revision")),
                number(kv.path("mod_revision")), ttl, (ttl != null) ? Instant.now().plusSeconds(ttl) : null, null);
    }

    /**
     * Builds the v2 view of the keys below a directory: segments become nested directories, whose indices are the
     * lowest create and highest mod revision below them. Keys that the v2 model cannot hold (an empty segment, a
     * key that is also a directory) are left out, and so are hidden ({@code _}) names unless asked for, as v2
     * listings leave them out. Sorted, children are in the order of their names' code points, as v2 sorts.
     */
    private static EtcdNode directory(String dir, List<JsonNode> kvs, ReadOptions options, boolean hidden,
            Map<String, Long> ttls) {
        Tree root = new Tree(dir);
        String prefix = V3Keys.dirPrefix(dir);
        for (JsonNode kv : kvs) {
            String key = text(kv.path("key"));
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
                EtcdNode leaf = leaf(kv, ttls);
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
        return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
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

    // ---------------------------------------------------------------- writes

    @Override
    public EtcdResponse put(String key, String value, WriteOptions options) {
        Duration timeout = options.getTimeout();
        ArrayNode compare = json().createArrayNode();
        List<String> ancestors = V3Keys.ancestors(key);
        ancestors.forEach((ancestor) -> compare.add(absent(ancestor)));
        compare.add(nothingBelow(key));
        if (Boolean.FALSE.equals(options.getPrevExist())) {
            compare.add(compare(key, "CREATE", "EQUAL", "create_revision", "0"));
        }
        if (Boolean.TRUE.equals(options.getPrevExist())) {
            compare.add(compare(key, "VERSION", "GREATER", "version", "0"));
        }
        if (options.getPrevValue() != null) {
            compare.add(compare(key, "VALUE", "EQUAL", "value", V3Keys.base64(options.getPrevValue())));
        }
        if (options.getPrevIndex() != null) {
            compare.add(compare(key, "MOD", "EQUAL", "mod_revision", options.getPrevIndex().toString()));
        }
        Lease lease = (options.getTtl() != null) ? grant(options.getTtl(), key, timeout) : null;
        ObjectNode put = json().createObjectNode().put("key", V3Keys.base64(key)).put("value", V3Keys.base64(value))
            .put("prev_kv", true);
        if (lease != null) {
            put.put("lease", lease.id());
        }
        ArrayNode failure = surroundings(key, ancestors, false, false);
        JsonNode answer = write(compare, json().createArrayNode().add(op("request_put", put)), failure, lease, timeout,
                key);
        long revision = number(answer.path("header").path("revision"));
        if (!answer.path("succeeded").asBoolean(false)) {
            revokeQuietly(lease, key, timeout);
            JsonNode responses = answer.path("responses");
            EtcdException blocked = blockedPath(key, ancestors, responses, 2, revision);
            if (blocked != null) {
                throw blocked;
            }
            if (number(responses.path(1).path("response_range").path("count")) > 0) {
                // v2 checks existence before the kind of node: a create-only write on a directory is 105
                throw Boolean.FALSE.equals(options.getPrevExist())
                        ? local(EtcdException.NODE_EXISTS, "Key already exists", key, key, revision)
                        : local(EtcdException.NOT_FILE, "Not a file", key, key, revision);
            }
            throw preconditionFailed(key, options, list(responses.path(0).path("response_range"), "kvs"), revision);
        }
        JsonNode prev = answer.path("responses").path(0).path("response_put").path("prev_kv");
        EtcdNode prevNode = prev.isMissingNode() ? null : leaf(prev, Map.of());
        Long ttl = (lease != null) ? lease.ttl() : null;
        EtcdNode node = new EtcdNode(key, value, false, (prevNode != null) ? prevNode.createdIndex() : revision,
                revision, ttl, (ttl != null) ? Instant.now().plusSeconds(ttl) : null, null);
        return response(action(options), node, prevNode, answer);
    }

    private static String action(WriteOptions options) {
        if (options.isCompare()) {
            return "compareAndSwap";
        }
        if (options.getPrevExist() != null) {
            return options.getPrevExist() ? "update" : "create";
        }
        return "set";
    }

    /** v2's "Not a directory" when one of the ancestors, counted from {@code first} in the responses, is a key. */
    private static EtcdException blockedPath(String key, List<String> ancestors, JsonNode responses, int first,
            long revision) {
        for (int i = 0; i < ancestors.size(); i++) {
            if (number(responses.path(first + i).path("response_range").path("count")) > 0) {
                return local(EtcdException.NOT_DIRECTORY, "Not a directory", ancestors.get(i), key, revision);
            }
        }
        return null;
    }

    private static EtcdException preconditionFailed(String key, WriteOptions options, List<JsonNode> current,
            long revision) {
        if (current.isEmpty()) {
            return local(EtcdException.KEY_NOT_FOUND, "Key not found", key, key, revision);
        }
        if (Boolean.FALSE.equals(options.getPrevExist())) {
            return local(EtcdException.NODE_EXISTS, "Key already exists", key, key, revision);
        }
        JsonNode kv = current.get(0);
        List<String> causes = new ArrayList<>();
        if (options.getPrevValue() != null && !options.getPrevValue().equals(text(kv.path("value")))) {
            causes.add("[" + options.getPrevValue() + " != " + text(kv.path("value")) + "]");
        }
        if (options.getPrevIndex() != null && options.getPrevIndex() != number(kv.path("mod_revision"))) {
            causes.add("[" + options.getPrevIndex() + " != " + number(kv.path("mod_revision")) + "]");
        }
        EtcdException failed = local(EtcdException.COMPARE_FAILED, "Compare failed", String.join(" ", causes), key,
                revision);
        // The key as the failed transaction saw it, for a caller's own compare-and-set loop.
        return new EtcdCompareFailedException(failed.getMessage(), new EtcdException.Details(failed.getErrorCode(),
                failed.getHttpStatus(), failed.getIndex(), failed.getEtcdMessage(), failed.getEtcdCause(), key, false),
                null, leaf(kv, Map.of()));
    }

    /**
     * Names the new key after the revision last seen, zero-padded to 20 digits like v2's, and creates it only if no
     * in-order create in that directory happened since: each creates also touches a marker key ({@code "__"} and
     * the directory, outside the {@code /} keyspace, as etcd's own queue recipe does) and compares its revision. So
     * names grow in creation order and are never given twice, even after keys were deleted; a name taken
     * meanwhile means trying again after a short pause, from the revision the failed attempt saw.
     */
    @Override
    public EtcdResponse createInOrder(String dir, String value, WriteOptions options) {
        Duration timeout = options.getTimeout();
        String prefix = V3Keys.dirPrefix(dir);
        String marker = "__" + dir;
        List<String> ancestors = V3Keys.ancestors(prefix + "x");
        JsonNode count = post("/v3/kv/range", rangeRequest(prefix, V3Keys.prefixEnd(prefix), true, false), true,
                timeout, dir);
        long revision = number(count.path("header").path("revision"));
        Lease lease = (options.getTtl() != null) ? grant(options.getTtl(), dir, timeout) : null;
        for (int attempt = 1; attempt <= IN_ORDER_ATTEMPTS; attempt++) {
            String key = prefix + V3Keys.inOrderName(revision + 1);
            ArrayNode compare = json().createArrayNode();
            ancestors.forEach((ancestor) -> compare.add(absent(ancestor)));
            compare.add(compare(key, "CREATE", "EQUAL", "create_revision", "0"));
            compare.add(compare(marker, "MOD", "LESS", "mod_revision", Long.toString(revision + 1)));
            ObjectNode put = json().createObjectNode().put("key", V3Keys.base64(key)).put("value", V3Keys.base64(value));
            if (lease != null) {
                put.put("lease", lease.id());
            }
            ArrayNode success = json().createArrayNode()
                .add(op("request_put", json().createObjectNode().put("key", V3Keys.base64(marker))))
                .add(op("request_put", put));
            ArrayNode failure = json().createArrayNode();
            ancestors.forEach((ancestor) -> failure.add(op("request_range", rangeRequest(ancestor, null, true, false))));
            JsonNode answer = write(compare, success, failure, lease, timeout, key);
            long seen = number(answer.path("header").path("revision"));
            if (answer.path("succeeded").asBoolean(false)) {
                Long ttl = (lease != null) ? lease.ttl() : null;
                EtcdNode node = new EtcdNode(key, value, false, seen, seen, ttl,
                        (ttl != null) ? Instant.now().plusSeconds(ttl) : null, null);
                return response("create", node, null, answer);
            }
            EtcdException blocked = blockedPath(dir, ancestors, answer.path("responses"), 0, seen);
            if (blocked != null) {
                revokeQuietly(lease, dir, timeout);
                throw blocked;
            }
            revision = Math.max(revision + 1, seen);
            pause(attempt, dir, lease, timeout);
        }
        revokeQuietly(lease, dir, timeout);
        throw new EtcdException("createInOrder in '" + dir + "' found no free name after " + IN_ORDER_ATTEMPTS
                + " attempts: other writers kept creating keys in it; nothing was created",
                new EtcdException.Details(0, 200, revision, null, null, dir, false), null);
    }

    /** A short random pause, growing with the attempts, so that contending creators spread out. */
    private void pause(int attempt, String dir, Lease lease, Duration timeout) {
        try {
            Pauses.sleep(ThreadLocalRandom.current().nextLong(0, Math.min(50, 2L * attempt) + 1), dir,
                    "createInOrder in '" + dir + "' was interrupted; nothing was created");
        }
        catch (EtcdException ex) {
            revokeQuietly(lease, dir, timeout);
            throw ex;
        }
    }

    @Override
    public EtcdResponse delete(String key, WriteOptions options) {
        Duration timeout = options.getTimeout();
        ArrayNode compare = json().createArrayNode();
        compare.add(compare(key, "VERSION", "GREATER", "version", "0"));
        if (options.getPrevValue() != null) {
            compare.add(compare(key, "VALUE", "EQUAL", "value", V3Keys.base64(options.getPrevValue())));
        }
        if (options.getPrevIndex() != null) {
            compare.add(compare(key, "MOD", "EQUAL", "mod_revision", options.getPrevIndex().toString()));
        }
        ObjectNode delete = json().createObjectNode().put("key", V3Keys.base64(key)).put("prev_kv", true);
        List<String> ancestors = V3Keys.ancestors(key);
        ArrayNode failure = surroundings(key, ancestors, false, false);
        JsonNode answer = write(compare, json().createArrayNode().add(op("request_delete_range", delete)), failure, null,
                timeout, key);
        long revision = number(answer.path("header").path("revision"));
        if (!answer.path("succeeded").asBoolean(false)) {
            JsonNode responses = answer.path("responses");
            List<JsonNode> current = list(responses.path(0).path("response_range"), "kvs");
            EtcdException blocked = current.isEmpty() ? blockedPath(key, ancestors, responses, 2, revision) : null;
            if (blocked != null) {
                throw blocked;
            }
            if (current.isEmpty() && number(responses.path(1).path("response_range").path("count")) > 0) {
                throw local(EtcdException.NOT_FILE, "Not a file", key, key, revision);
            }
            throw preconditionFailed(key, options, current, revision);
        }
        JsonNode prev = answer.path("responses").path(0).path("response_delete_range").path("prev_kvs").path(0);
        EtcdNode prevNode = leaf(prev, Map.of());
        EtcdNode node = new EtcdNode(key, null, false, prevNode.createdIndex(), revision, null, null, null);
        return response(options.isCompare() ? "compareAndDelete" : "delete", node, prevNode, answer);
    }

    /**
     * One atomic delete of the range below the directory. A directory that is a key with a value is refused, as
     * on v2; hidden keys go too (v3 has no hidden keys to leave).
     */
    @Override
    public EtcdResponse deleteAll(String dir, WriteOptions options) {
        Duration timeout = options.getTimeout();
        String prefix = V3Keys.dirPrefix(dir);
        ObjectNode delete = json().createObjectNode().put("key", V3Keys.base64(prefix))
            .put("range_end", V3Keys.prefixEnd(prefix)).put("prev_kv", true);
        JsonNode deleted;
        JsonNode answer;
        if (dir.equals(EtcdKeys.ROOT)) {
            answer = post("/v3/kv/deleterange", delete, false, timeout, dir);
            deleted = answer;
        }
        else {
            ArrayNode compare = json().createArrayNode().add(absent(dir));
            answer = write(compare, json().createArrayNode().add(op("request_delete_range", delete)),
                    json().createArrayNode(), null, timeout, dir);
            if (!answer.path("succeeded").asBoolean(false)) {
                throw local(EtcdException.NOT_DIRECTORY, "Not a directory", dir, dir,
                        number(answer.path("header").path("revision")));
            }
            deleted = answer.path("responses").path(0).path("response_delete_range");
        }
        List<JsonNode> prevKvs = list(deleted, "prev_kvs");
        EtcdNode prevNode = prevKvs.isEmpty() ? null
                : directory(dir, prevKvs, ReadOptions.defaults().recursive(true).sorted(true), true, Map.of());
        return response("delete", new EtcdNode(dir, null, true, 0, 0, null, null, null), prevNode, answer);
    }

    /**
     * A write transaction. A lease granted for it is revoked when the write certainly failed (etcd refused it), so
     * that only a write whose outcome is unknown leaves its lease to expire by itself.
     */
    private JsonNode write(ArrayNode compare, ArrayNode success, ArrayNode failure, Lease lease, Duration timeout,
            String key) {
        try {
            return txn(compare, success, failure, false, timeout, key);
        }
        catch (EtcdException ex) {
            if (!ex.isOutcomeUnknown()) {
                revokeQuietly(lease, key, timeout);
            }
            throw ex;
        }
    }

    /** A lease granted for one write: its id and the time to live the server granted. */
    private record Lease(String id, long ttl) {
    }

    private Lease grant(Duration ttl, String key, Duration timeout) {
        JsonNode granted = post("/v3/lease/grant", json().createObjectNode().put("TTL", Long.toString(ttl.getSeconds())),
                false, timeout, key);
        return new Lease(granted.path("ID").asString(), number(granted.path("TTL")));
    }

    /** Revokes a lease no key took; one left behind expires by itself, so a failure is only logged. */
    private void revokeQuietly(Lease lease, String key, Duration timeout) {
        if (lease == null) {
            return;
        }
        try {
            post("/v3/lease/revoke", json().createObjectNode().put("ID", lease.id()), false, timeout, key);
        }
        catch (EtcdException ex) {
            logger.debug("Revoking an unused lease for {} failed; it expires after its time to live", key, ex);
        }
    }

    private static ObjectNode compare(String key, String target, String result, String field, String value) {
        return json().createObjectNode().put("key", V3Keys.base64(key)).put("target", target).put("result", result)
            .put(field, value);
    }

    /** The key does not exist (as a key with a value; it may be a directory). */
    private static ObjectNode absent(String key) {
        return compare(key, "VERSION", "EQUAL", "version", "0");
    }

    /** No key lies below {@code key}: it is not a directory. */
    private static ObjectNode nothingBelow(String key) {
        String prefix = V3Keys.dirPrefix(key);
        return compare(prefix, "VERSION", "EQUAL", "version", "0").put("range_end", V3Keys.prefixEnd(prefix));
    }

    private static ObjectNode op(String kind, ObjectNode request) {
        ObjectNode op = json().createObjectNode();
        op.set(kind, request);
        return op;
    }

    /** A transaction; a read-only one (no writes in either branch) may be sent again like any read. */
    private JsonNode txn(ArrayNode compare, ArrayNode success, ArrayNode failure, boolean readOnly, Duration timeout,
            String key) {
        ObjectNode txn = json().createObjectNode();
        txn.set("compare", compare);
        txn.set("success", success);
        txn.set("failure", failure);
        return post("/v3/kv/txn", txn, readOnly, timeout, key);
    }

    private static EtcdException local(int code, String message, String cause, String key, long revision) {
        return EtcdErrors.forCode(new EtcdException.Details(code, 200, revision, message, cause, key, false), null);
    }

    // ---------------------------------------------------------------- watches

    /**
     * One watch stream from {@code fromIndex}, with previous values and progress notifications. A recursive watch
     * covers the key and everything below it (the range also holds sibling keys such as {@code key-x}, which are
     * left out, their revisions counted as progress). A stream canceled for compaction means the history is lost.
     */
    @Override
    public void watch(String key, boolean recursive, long fromIndex, WatchSink sink, Duration timeout) {
        ObjectNode create = json().createObjectNode().put("key", V3Keys.base64(key))
            .put("start_revision", Long.toString(fromIndex)).put("prev_kv", true).put("progress_notify", true);
        if (recursive) {
            create.put("range_end", V3Keys.prefixEnd(V3Keys.dirPrefix(key)));
        }
        ObjectNode body = json().createObjectNode();
        body.set("create_request", create);
        HttpCall plain = new HttpCall(HttpMethod.POST, "/v3/watch", json().writeValueAsBytes(body),
                MediaType.APPLICATION_JSON, true, timeout, key);
        String current = (this.credentials != null) ? token(timeout) : "";
        HttpCall call = plain.withAuthorization(current.isEmpty() ? null : current);
        this.transport.stream(call, (endpoint, status, headers, in) -> {
            sink.opened(in);
            if (status != 200) {
                HttpAnswer answer = HttpAnswer.of(endpoint, status, headers, in.readAllBytes());
                if (rejected(answer, current)) {
                    renew(current);
                }
                throw parseFailure(call, answer);
            }
            java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    watchMessage(call, endpoint, key, recursive, json().readTree(line), sink);
                }
            }
            return null;
        });
    }

    private void watchMessage(HttpCall call, String endpoint, String key, boolean recursive, JsonNode message,
            WatchSink sink) {
        if (message.has("error")) {
            // The stream ended with a gRPC error, such as "server stopped" when etcd shuts down.
            JsonNode error = message.path("error");
            throw EtcdErrors.forCode(new EtcdException.Details(0, error.path("http_code").asInt(0), 0,
                    error.path("message").asString(""), "gRPC " + error.path("grpc_code").asInt(), key, false), endpoint);
        }
        JsonNode result = message.path("result");
        JsonNode header = result.path("header");
        if (result.path("canceled").asBoolean(false)) {
            long compacted = number(result.path("compact_revision"));
            if (compacted > 0) {
                throw local(EtcdException.EVENT_INDEX_CLEARED, "The event in requested index is outdated and cleared",
                        "compacted up to revision " + compacted, key, compacted);
            }
            throw EtcdErrors.forCode(new EtcdException.Details(0, 200, 0, "watch canceled",
                    result.path("cancel_reason").asString(""), key, false), endpoint);
        }
        List<JsonNode> events = list(result, "events");
        if (events.isEmpty()) {
            if (!result.path("created").asBoolean(false)) {
                sink.progress(number(header.path("revision")));
            }
            return;
        }
        for (JsonNode event : events) {
            JsonNode kv = event.path("kv");
            String changed = text(kv.path("key"));
            long revision = number(kv.path("mod_revision"));
            if (recursive && !changed.equals(key) && !changed.startsWith(V3Keys.dirPrefix(key))) {
                sink.progress(revision);
                continue;
            }
            sink.event(watchEvent(call, changed, kv, event, header));
        }
    }

    /** A v3 event in v2's words: a put is {@code create} or {@code set}, a delete {@code delete}, or {@code expire}
     * when the key's lease is gone. */
    private EtcdResponse watchEvent(HttpCall call, String key, JsonNode kv, JsonNode event, JsonNode header) {
        JsonNode prev = event.path("prev_kv");
        EtcdNode prevNode = prev.isMissingNode() ? null : leaf(prev, Map.of());
        long revision = number(kv.path("mod_revision"));
        EtcdNode node;
        String action;
        if ("DELETE".equals(event.path("type").asString(""))) {
            node = new EtcdNode(key, null, false, (prevNode != null) ? prevNode.createdIndex() : 0, revision, null,
                    null, null);
            action = (!prev.isMissingNode() && leaseGone(prev.path("lease").asString(""), call)) ? "expire" : "delete";
        }
        else {
            node = leaf(kv, Map.of());
            action = (node.createdIndex() == node.modifiedIndex()) ? "create" : "set";
        }
        return new EtcdResponse(action, node, prevNode, revision, 0, number(header.path("raft_term")),
                hex(header.path("cluster_id")), 200);
    }

    /**
     * Whether the key's lease no longer exists, as after its expiry: etcd's watch says only "DELETE". A key
     * deleted by a caller keeps its lease (one per write here) until the lease's own time runs out.
     */
    private boolean leaseGone(String lease, HttpCall call) {
        if (lease.isEmpty() || lease.equals("0")) {
            return false;
        }
        JsonNode live = post("/v3/lease/timetolive", json().createObjectNode().put("ID", lease), true, null, call.key());
        return number(live.path("TTL")) < 0;
    }

    @Override
    public ReadPosition position(String key, Duration timeout) {
        JsonNode answer = post("/v3/kv/range", rangeRequest(key, null, true, false), true, timeout, key);
        return new ReadPosition(number(answer.path("header").path("revision")),
                hex(answer.path("header").path("cluster_id")));
    }

    // ---------------------------------------------------------------- cluster

    @Override
    public List<EtcdMember> members(Duration timeout) {
        JsonNode answer = post("/v3/cluster/member/list", json().createObjectNode(), true, timeout, null);
        List<EtcdMember> members = new ArrayList<>();
        for (JsonNode member : list(answer, "members")) {
            List<String> peers = new ArrayList<>();
            member.path("peerURLs").forEach((url) -> peers.add(url.asString()));
            List<String> clients = new ArrayList<>();
            member.path("clientURLs").forEach((url) -> clients.add(url.asString()));
            members.add(new EtcdMember(hex(member.path("ID")), member.path("name").asString(""), peers, clients));
        }
        return members;
    }

    // ---------------------------------------------------------------- HTTP, auth and errors

    private JsonNode post(String path, ObjectNode body, boolean idempotent, Duration timeout, String key) {
        HttpCall call = new HttpCall(HttpMethod.POST, path, json().writeValueAsBytes(body), MediaType.APPLICATION_JSON,
                idempotent, timeout, key);
        return parse(call, execute(call));
    }

    /** Sends with the current token; a token the server rejects (expired, revoked) is renewed once. */
    private HttpAnswer execute(HttpCall call) {
        if (this.credentials == null) {
            return this.transport.execute(call);
        }
        String current = token(call.timeout());
        HttpAnswer answer = this.transport.execute(call.withAuthorization(current.isEmpty() ? null : current));
        if (rejected(answer, current)) {
            // Rejected before it was applied, so even a write may be sent again with a new token.
            renew(current);
            current = token(call.timeout());
            answer = this.transport.execute(call.withAuthorization(current.isEmpty() ? null : current));
        }
        return answer;
    }

    /**
     * Whether the server refused the request for its authentication: a token it no longer knows (expired, or
     * dropped when authentication was re-enabled), or no token where authentication was enabled since the server
     * last said it had none.
     */
    private static boolean rejected(HttpAnswer answer, String token) {
        if (!token.isEmpty()) {
            return answer.status() == 401 && grpcCode(answer) == GRPC_UNAUTHENTICATED;
        }
        return answer.status() == 400 && grpcText(answer).contains("user name is empty");
    }

    private synchronized String token(Duration timeout) {
        if (this.token == null) {
            ObjectNode body = json().createObjectNode().put("name", this.credentials.username())
                .put("password", this.credentials.password());
            HttpCall call = new HttpCall(HttpMethod.POST, "/v3/auth/authenticate", json().writeValueAsBytes(body),
                    MediaType.APPLICATION_JSON, true, timeout, null);
            HttpAnswer answer = this.transport.execute(call);
            if (!answer.isSuccess() && grpcText(answer).contains("authentication is not enabled")) {
                this.token = "";
            }
            else {
                this.token = parse(call, answer).path("token").asString("");
            }
        }
        return this.token;
    }

    private synchronized void renew(String rejected) {
        if (rejected.equals(this.token)) {
            this.token = null;
        }
    }

    /** The exception for an answer that is not a success. */
    private static EtcdException parseFailure(HttpCall call, HttpAnswer answer) {
        try {
            parse(call, answer);
        }
        catch (EtcdException ex) {
            return ex;
        }
        return EtcdErrors.notAnEtcdAnswer(call, answer, "does not serve the v3 watch at /v3/watch", null);
    }

    private static JsonNode parse(HttpCall call, HttpAnswer answer) {
        JsonNode body;
        try {
            body = json().readTree(answer.body());
        }
        catch (JacksonException ex) {
            throw unexpected(call, answer, ex);
        }
        if (answer.isSuccess() && body.isObject()) {
            return body;
        }
        if (!answer.isSuccess() && body.path("code").isNumber()) {
            throw grpcError(call, answer, body);
        }
        throw unexpected(call, answer, null);
    }

    /** A gRPC error from the gateway, in v2 codes where one means the same. */
    private static EtcdException grpcError(HttpCall call, HttpAnswer answer, JsonNode body) {
        int code = body.path("code").asInt();
        String text = body.path("message").asString(body.path("error").asString(""));
        int v2code = switch (code) {
            case 7, 16 -> EtcdException.UNAUTHORIZED;
            // etcd answers a missing token and a wrong password as invalid arguments
            case 3 -> text.contains("user name is empty") || text.contains("authentication failed")
                    ? EtcdException.UNAUTHORIZED : 0;
            case 11 -> EtcdException.EVENT_INDEX_CLEARED;
            case 4, 14 -> EtcdException.RAFT_INTERNAL;
            case 2 -> text.contains("timed out") || text.contains("leader") || text.contains("stopped")
                    ? EtcdException.RAFT_INTERNAL : 0;
            default -> 0;
        };
        String name = (code >= 0 && code < GRPC_CODES.length) ? GRPC_CODES[code] : "code";
        if (code == 7 && call.key() != null && call.key().lastIndexOf('/') > 0) {
            text = text + " (besides the key itself, the template reads its ancestors " + ancestors(call.key())
                    + " to keep the directory model: a role limited to a prefix needs read permission on them too)";
        }
        boolean outcomeUnknown = !call.idempotent()
                && (answer.status() >= 500 || v2code == EtcdException.RAFT_INTERNAL);
        return EtcdErrors.forCode(new EtcdException.Details(v2code, answer.status(), 0, text,
                "gRPC " + code + " " + name, call.key(), outcomeUnknown), answer.endpoint());
    }

    /** {@code /a/b/c} to {@code [/a, /a/b]}. */
    private static List<String> ancestors(String key) {
        List<String> ancestors = new ArrayList<>();
        for (int slash = key.indexOf('/', 1); slash > 0; slash = key.indexOf('/', slash + 1)) {
            ancestors.add(key.substring(0, slash));
        }
        return ancestors;
    }

    private static EtcdException unexpected(HttpCall call, HttpAnswer answer, Exception cause) {
        return EtcdErrors.notAnEtcdAnswer(call, answer,
                "does not serve the v3 JSON gateway at /v3/ (etcd 3.4 or later needed), or is not etcd", cause);
    }

    private static int grpcCode(HttpAnswer answer) {
        try {
            return json().readTree(answer.body()).path("code").asInt(-1);
        }
        catch (JacksonException ex) {
            return -1;
        }
    }

    private static String grpcText(HttpAnswer answer) {
        try {
            JsonNode body = json().readTree(answer.body());
            return body.path("message").asString(body.path("error").asString(""));
        }
        catch (JacksonException ex) {
            return "";
        }
    }

    // ---------------------------------------------------------------- JSON

    private static EtcdResponse response(String action, EtcdNode node, EtcdNode prevNode, JsonNode answer) {
        JsonNode header = answer.path("header");
        return new EtcdResponse(action, node, prevNode, number(header.path("revision")), 0,
                number(header.path("raft_term")), hex(header.path("cluster_id")), 200);
    }

    private static List<JsonNode> list(JsonNode node, String field) {
        List<JsonNode> list = new ArrayList<>();
        node.path(field).forEach(list::add);
        return list;
    }

    private static String text(JsonNode base64) {
        return V3Keys.text(base64.isMissingNode() || base64.isNull() ? null : base64.asString());
    }

    /** An int64 field: the gateway sends them as strings, and omits them at 0. */
    private static long number(JsonNode node) {
        if (node.isNumber()) {
            return node.longValue();
        }
        String text = node.asString("");
        return text.isEmpty() ? 0 : Long.parseLong(text);
    }

    /** An unsigned 64-bit id, sent in decimal, in hexadecimal as v2 and etcdctl show it. */
    private static String hex(JsonNode id) {
        String text = id.isNumber() ? id.asString() : id.asString("");
        return text.isEmpty() ? null : Long.toHexString(Long.parseUnsignedLong(text)).toLowerCase(Locale.ROOT);
    }
}
