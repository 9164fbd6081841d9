// One job: the JSON of the v3 gateway, both ways: the requests (range, txn, compare, op) and the reading of its
// answers (int64 numbers sent as strings, unsigned ids in hex, base64 text, lists, a key's node, the header).
package dev.etcdspring.core.v3;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.internal.EtcdJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the gateway's requests and reads its answers. The shared mapper is {@link EtcdJson}'s, built on first
 * use.
 */
final class V3Json {

    private V3Json() {
    }

    // ---------------------------------------------------------------- requests

    static ObjectNode object() {
        return EtcdJson.MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return EtcdJson.MAPPER.createArrayNode();
    }

    static byte[] bytes(ObjectNode body) {
        return EtcdJson.MAPPER.writeValueAsBytes(body);
    }

    static ObjectNode rangeRequest(String key, String rangeEnd, boolean countOnly, boolean serializable) {
        ObjectNode range = object().put("key", V3Keys.base64(key));
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

    static ObjectNode txnRequest(ArrayNode compare, ArrayNode success, ArrayNode failure) {
        ObjectNode txn = object();
        txn.set("compare", compare);
        txn.set("success", success);
        txn.set("failure", failure);
        return txn;
    }

    static ObjectNode compare(String key, String target, String result, String field, String value) {
        return object().put("key", V3Keys.base64(key)).put("target", target).put("result", result).put(field, value);
    }

    /** The key does not exist (as a key with a value; it may be a directory). */
    static ObjectNode absent(String key) {
        return compare(key, "VERSION", "EQUAL", "version", "0");
    }

    /** No key lies below {@code key}: it is not a directory. */
    static ObjectNode nothingBelow(String key) {
        String prefix = V3Keys.dirPrefix(key);
        return compare(prefix, "VERSION", "EQUAL", "version", "0").put("range_end", V3Keys.prefixEnd(prefix));
    }

    /**
     * No key below {@code prefix} was created or modified after {@code revision}: the range is as a read at that
     * revision saw it, but for keys deleted since (a range compare only sees the keys that exist).
     */
    static ObjectNode unchangedSince(String prefix, long revision) {
        return compare(prefix, "MOD", "LESS", "mod_revision", Long.toString(revision + 1))
            .put("range_end", V3Keys.prefixEnd(prefix));
    }

    static ObjectNode op(String kind, ObjectNode request) {
        ObjectNode op = object();
        op.set(kind, request);
        return op;
    }

    // ---------------------------------------------------------------- answers

    static EtcdResponse response(String action, EtcdNode node, EtcdNode prevNode, JsonNode answer) {
        JsonNode header = answer.path("header");
        return new EtcdResponse(action, node, prevNode, number(header.path("revision")), 0,
                number(header.path("raft_term")), hex(header.path("cluster_id")), 200);
    }

    /** The revision in an answer's header. */
    static long revision(JsonNode answer) {
        return number(answer.path("header").path("revision"));
    }

    /** The key as a node with its value; its time to live from {@code ttls}, by lease id. */
    static EtcdNode leaf(JsonNode kv, Map<String, Long> ttls) {
        Long ttl = ttls.get(kv.path("lease").asString(""));
        return new EtcdNode(text(kv.path("key")), text(kv.path("value")), false, number(kv.path("create_revision")),
                number(kv.path("mod_revision")), ttl, (ttl != null) ? Instant.now().plusSeconds(ttl) : null, null);
    }

    static List<JsonNode> list(JsonNode node, String field) {
        List<JsonNode> list = new ArrayList<>();
        node.path(field).forEach(list::add);
        return list;
    }

    static String text(JsonNode base64) {
        return V3Keys.text(base64.isMissingNode() || base64.isNull() ? null : base64.asString());
    }

    /** An int64 field: the gateway sends them as strings, and omits them at 0. */
    static long number(JsonNode node) {
        if (node.isNumber()) {
            return node.longValue();
        }
        String text = node.asString("");
        return text.isEmpty() ? 0 : Long.parseLong(text);
    }

    /** An unsigned 64-bit id, sent in decimal, in hexadecimal as v2 and etcdctl show it. */
    static String hex(JsonNode id) {
        String text = id.isNumber() ? id.asString() : id.asString("");
        return text.isEmpty() ? null : Long.toHexString(Long.parseUnsignedLong(text)).toLowerCase(Locale.ROOT);
    }
}
