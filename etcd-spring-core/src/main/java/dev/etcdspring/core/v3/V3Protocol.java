// One job: the v3 JSON gateway as an EtcdProtocol: each operation of the directory API as one range or one
// transaction, handing the codec, the directory model, leases, auth, errors, watches, in-order creates and
// deleteAll to the classes of this package that own them.
package dev.etcdspring.core.v3;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdMember;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.internal.DirectoryWatchRequests;
import dev.etcdspring.core.internal.EtcdCredentials;
import dev.etcdspring.core.internal.EtcdErrorTranslator;
import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.internal.EtcdProtocol;
import dev.etcdspring.core.internal.HttpTransport;
import dev.etcdspring.core.internal.Observations;
import dev.etcdspring.core.internal.TemplateScope;
import dev.etcdspring.core.internal.ReadPosition;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.etcdspring.core.v3.V3Json.array;
import static dev.etcdspring.core.v3.V3Json.compare;
import static dev.etcdspring.core.v3.V3Json.leaf;
import static dev.etcdspring.core.v3.V3Json.list;
import static dev.etcdspring.core.v3.V3Json.number;
import static dev.etcdspring.core.v3.V3Json.object;
import static dev.etcdspring.core.v3.V3Json.op;
import static dev.etcdspring.core.v3.V3Json.rangeRequest;
import static dev.etcdspring.core.v3.V3Json.response;
import static dev.etcdspring.core.v3.V3Json.revision;

/**
 * The v3 JSON gateway. A key is its normalised path; a directory is the prefix {@code dir + "/"} and exists
 * while a key lies below it ({@link V3Directories}). Every write is a transaction whose comparisons keep the v2
 * model (no key below a key, no value on a directory) and carry the caller's preconditions; when they fail, the
 * same transaction reads what the v2 error code needs. A time to live is a lease granted for the write
 * ({@link V3Leases}).
 */
public final class V3Protocol implements EtcdProtocol {

    private static final V3Errors ERRORS = V3Errors.INSTANCE;

    private final V3Gateway gateway;

    private final V3Leases leases;

    private final V3Watch watch;

    private final V3InOrder inOrder;

    private final V3DeleteAll deleteAll;

    /**
     * Creates the protocol over a transport.
     *
     * @param transport the transport
     * @param credentials the user and password to obtain tokens with; {@code null} for none
     */
    public V3Protocol(HttpTransport transport, EtcdCredentials credentials) {
        V3Auth auth = new V3Auth(transport, credentials);
        this.gateway = new V3Gateway(auth);
        this.leases = new V3Leases(this.gateway);
        this.watch = new V3Watch(transport, auth, this.leases);
        this.inOrder = new V3InOrder(this.gateway, this.leases);
        this.deleteAll = new V3DeleteAll(this.gateway, this.leases);
    }

    @Override
    public EtcdApi api() {
        return EtcdApi.V3;
    }

    /**
     * The v3-native key-value operations over this protocol's gateway and token.
     *
     * @param observations observes each operation
     * @param serializableReads whether reads that do not say are serializable (the template's read consistency)
     * @param scope starts the watches
     * @return the operations
     */
    public EtcdKeyValueOperations keyValueOperations(Observations observations, boolean serializableReads,
            TemplateScope scope) {
        return new V3KeyValue(this.gateway.forKeyValue(), this.watch, observations, serializableReads, scope);
    }

    /**
     * The lease operations over this protocol's gateway and token.
     *
     * @param observations observes each operation
     * @param scope runs the keep-alives
     * @return the operations
     */
    public EtcdLeaseOperations leaseOperations(Observations observations, TemplateScope scope) {
        return new V3LeaseOperations(this.gateway.forKeyValue(), observations, scope);
    }

    @Override
    public EtcdErrorTranslator errors() {
        return ERRORS;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public EtcdResponse get(String key, ReadOptions options) {
        Duration timeout = options.getTimeout();
        boolean serializable = !options.isQuorum();
        String prefix = V3Keys.dirPrefix(key);
        if (key.equals(EtcdKeys.ROOT)) {
            ObjectNode all = rangeRequest(prefix, V3Keys.prefixEnd(prefix), false, serializable);
            JsonNode answer = this.gateway.post("/v3/kv/range", all, true, timeout, key);
            return response("get", V3Directories.directory(key, list(answer, "kvs"), options, false,
                    revision(answer), (shown) -> this.leases.ttls(shown, timeout)), null, answer);
        }
        // Most reads are of a key with a value: one range finds it. A recursive read is of a directory (a whole
        // configuration tree, say): the transaction below answers it alone, in one request.
        if (!options.isRecursive()) {
            JsonNode single = this.gateway.post("/v3/kv/range", rangeRequest(key, null, false, serializable), true,
                    timeout, key);
            List<JsonNode> found = list(single, "kvs");
            if (!found.isEmpty()) {
                return response("get", leaf(found.get(0), this.leases.ttls(found, timeout)), null, single);
            }
        }
        // Otherwise one read-only transaction sees the key, what lies below it and its ancestors in one state.
        List<String> ancestors = V3Keys.ancestors(key);
        JsonNode answer = this.gateway.txn(array(), V3Directories.surroundings(key, ancestors, true, serializable),
                array(), true, timeout, key);
        JsonNode responses = answer.path("responses");
        long revision = revision(answer);
        List<JsonNode> exact = list(responses.path(0).path("response_range"), "kvs");
        List<JsonNode> below = list(responses.path(1).path("response_range"), "kvs");
        if (!exact.isEmpty()) {
            // A recursive read asks for what lies below too: a value cannot stand for it.
            if (options.isRecursive()) {
                V3Directories.checkLeaf(key, below, revision);
            }
            return response("get", leaf(exact.get(0), this.leases.ttls(exact, timeout)), null, answer);
        }
        if (!below.isEmpty()) {
            return response("get", V3Directories.directory(key, below, options, false, revision,
                    (shown) -> this.leases.ttls(shown, timeout)), null, answer);
        }
        EtcdException blocked = V3Directories.blockedPath(key, ancestors, responses, 2, revision);
        throw (blocked != null) ? blocked
                : ERRORS.local(EtcdException.KEY_NOT_FOUND, "Key not found", key, key, revision);
    }

    @Override
    public ReadPosition position(String key, Duration timeout) {
        JsonNode answer = this.gateway.post("/v3/kv/range", rangeRequest(key, null, true, false), true, timeout, key);
        return new ReadPosition(revision(answer), V3Json.hex(answer.path("header").path("cluster_id")));
    }

    // ---------------------------------------------------------------- writes

    @Override
    public EtcdResponse put(String key, String value, WriteOptions options) {
        Duration timeout = options.getTimeout();
        ArrayNode compare = array();
        List<String> ancestors = V3Keys.ancestors(key);
        ancestors.forEach((ancestor) -> compare.add(V3Json.absent(ancestor)));
        compare.add(V3Json.nothingBelow(key));
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
        V3Leases.Lease lease = this.leases.grant(options.getTtl(), key, timeout);
        ObjectNode put = object().put("key", V3Keys.base64(key)).put("value", V3Keys.base64(value))
            .put("prev_kv", true);
        if (lease != null) {
            put.put("lease", lease.id());
        }
        ArrayNode failure = V3Directories.surroundings(key, ancestors, false, false);
        JsonNode answer = this.leases.write(compare, array().add(op("request_put", put)), failure, lease, timeout,
                key);
        long revision = revision(answer);
        if (!answer.path("succeeded").asBoolean(false)) {
            this.leases.revokeQuietly(lease, key, timeout);
            JsonNode responses = answer.path("responses");
            EtcdException blocked = V3Directories.blockedPath(key, ancestors, responses, 2, revision);
            if (blocked != null) {
                throw blocked;
            }
            if (number(responses.path(1).path("response_range").path("count")) > 0) {
                // v2 checks existence before the kind of node: a create-only write on a directory is 105
                throw Boolean.FALSE.equals(options.getPrevExist())
                        ? ERRORS.local(EtcdException.NODE_EXISTS, "Key already exists", key, key, revision)
                        : ERRORS.local(EtcdException.NOT_FILE, "Not a file", key, key, revision);
            }
            throw V3Directories.preconditionFailed(key, options, list(responses.path(0).path("response_range"), "kvs"),
                    revision);
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

    /** See {@link V3InOrder}. */
    @Override
    public EtcdResponse createInOrder(String dir, String value, WriteOptions options) {
        return this.inOrder.create(dir, value, options);
    }

    @Override
    public EtcdResponse delete(String key, WriteOptions options) {
        Duration timeout = options.getTimeout();
        ArrayNode compare = array();
        compare.add(compare(key, "VERSION", "GREATER", "version", "0"));
        if (options.getPrevValue() != null) {
            compare.add(compare(key, "VALUE", "EQUAL", "value", V3Keys.base64(options.getPrevValue())));
        }
        if (options.getPrevIndex() != null) {
            compare.add(compare(key, "MOD", "EQUAL", "mod_revision", options.getPrevIndex().toString()));
        }
        ObjectNode delete = object().put("key", V3Keys.base64(key)).put("prev_kv", true);
        List<String> ancestors = V3Keys.ancestors(key);
        ArrayNode failure = V3Directories.surroundings(key, ancestors, false, false);
        JsonNode answer = this.leases.write(compare, array().add(op("request_delete_range", delete)), failure, null,
                timeout, key);
        long revision = revision(answer);
        if (!answer.path("succeeded").asBoolean(false)) {
            JsonNode responses = answer.path("responses");
            List<JsonNode> current = list(responses.path(0).path("response_range"), "kvs");
            EtcdException blocked = current.isEmpty()
                    ? V3Directories.blockedPath(key, ancestors, responses, 2, revision) : null;
            if (blocked != null) {
                throw blocked;
            }
            if (current.isEmpty() && number(responses.path(1).path("response_range").path("count")) > 0) {
                throw ERRORS.local(EtcdException.NOT_FILE, "Not a file", key, key, revision);
            }
            throw V3Directories.preconditionFailed(key, options, current, revision);
        }
        JsonNode prev = answer.path("responses").path(0).path("response_delete_range").path("prev_kvs").path(0);
        EtcdNode prevNode = leaf(prev, Map.of());
        EtcdNode node = new EtcdNode(key, null, false, prevNode.createdIndex(), revision, null, null, null);
        return response(options.isCompare() ? "compareAndDelete" : "delete", node, prevNode, answer);
    }

    /** See {@link V3DeleteAll}. */
    @Override
    public EtcdResponse deleteAll(String dir, WriteOptions options) {
        return this.deleteAll.delete(dir, options);
    }

    /**
     * A {@code getTree} of a key with a value: v2's "Not a directory", unless keys that a listing would show lie
     * below it too (a key on v3 may be both), which the directory model cannot show beside the value.
     */
    @Override
    public EtcdException notADirectory(String key, EtcdResponse leaf, ReadOptions options) {
        String prefix = V3Keys.dirPrefix(key);
        JsonNode below = this.gateway.post("/v3/kv/range",
                rangeRequest(prefix, V3Keys.prefixEnd(prefix), false, !options.isQuorum()).put("keys_only", true),
                true, options.getTimeout(), key);
        V3Directories.checkLeaf(key, list(below, "kvs"), revision(below));
        return ERRORS.local(EtcdException.NOT_DIRECTORY, "Not a directory", key, key, leaf.etcdIndex());
    }

    // ---------------------------------------------------------------- watches and the cluster

    /** See {@link V3Watch}. */
    @Override
    public DirectoryWatchRequests watchRequests(String key, boolean recursive) {
        // A v3 watch is one stream from any revision: every request is the same.
        return (fromIndex, sink, timeout) -> this.watch.watch(key, recursive, fromIndex, sink, timeout);
    }

    @Override
    public List<EtcdMember> members(Duration timeout) {
        JsonNode answer = this.gateway.post("/v3/cluster/member/list", object(), true, timeout, null);
        List<EtcdMember> members = new ArrayList<>();
        for (JsonNode member : list(answer, "members")) {
            List<String> peers = new ArrayList<>();
            member.path("peerURLs").forEach((url) -> peers.add(url.asString()));
            List<String> clients = new ArrayList<>();
            member.path("clientURLs").forEach((url) -> clients.add(url.asString()));
            members.add(new EtcdMember(V3Json.hex(member.path("ID")), member.path("name").asString(""), peers,
                    clients));
        }
        return members;
    }
}
