// One job: the JSON of the v3-native API, both ways: ranges, puts, deletes, comparisons and transactions from the
// public options, and key-values and results from the gateway's answers, bytes exactly as they are.
package dev.etcdspring.core.v3;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import dev.etcdspring.core.kv.Compare;
import dev.etcdspring.core.kv.DeleteOptions;
import dev.etcdspring.core.kv.DeleteResult;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.kv.Op;
import dev.etcdspring.core.kv.OpResult;
import dev.etcdspring.core.kv.PutOptions;
import dev.etcdspring.core.kv.PutResult;
import dev.etcdspring.core.kv.RangeOptions;
import dev.etcdspring.core.kv.RangeResult;
import dev.etcdspring.core.kv.TxnResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests and answers of {@code /v3/kv/*} for {@link V3KeyValue}. Bytes fields are standard base64 both ways;
 * nothing is decoded as text.
 */
final class V3KvCodec {

    private V3KvCodec() {
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] bytes(JsonNode base64) {
        String text = base64.asString("");
        return text.isEmpty() ? new byte[0] : Base64.getDecoder().decode(text);
    }

    // ---------------------------------------------------------------- requests

    /**
     * A range request.
     *
     * @param serializable whether the member asked answers alone
     */
    static ObjectNode range(byte[] key, RangeOptions options, boolean serializable) {
        ObjectNode range = V3Json.object().put("key", base64(key));
        byte[] end = options.getRange().endFor(key);
        if (end != null) {
            range.put("range_end", base64(end));
        }
        if (options.getLimit() > 0) {
            range.put("limit", Long.toString(options.getLimit()));
        }
        if (options.getRevision() > 0) {
            range.put("revision", Long.toString(options.getRevision()));
        }
        if (options.getMaxCreateRevision() > 0) {
            range.put("max_create_revision", Long.toString(options.getMaxCreateRevision()));
        }
        if (options.getSortOrder() != RangeOptions.SortOrder.NONE) {
            range.put("sort_order", options.getSortOrder().name());
            range.put("sort_target", options.getSortTarget().name());
        }
        if (serializable) {
            range.put("serializable", true);
        }
        if (options.isKeysOnly()) {
            range.put("keys_only", true);
        }
        if (options.isCountOnly()) {
            range.put("count_only", true);
        }
        return range;
    }

    static ObjectNode put(byte[] key, byte[] value, PutOptions options) {
        ObjectNode put = V3Json.object().put("key", base64(key)).put("value", base64(value));
        if (options.getLease() != 0) {
            put.put("lease", Long.toString(options.getLease()));
        }
        if (options.isPrevKv()) {
            put.put("prev_kv", true);
        }
        if (options.isIgnoreValue()) {
            put.put("ignore_value", true);
        }
        if (options.isIgnoreLease()) {
            put.put("ignore_lease", true);
        }
        return put;
    }

    static ObjectNode delete(byte[] key, DeleteOptions options) {
        ObjectNode delete = V3Json.object().put("key", base64(key));
        byte[] end = options.getRange().endFor(key);
        if (end != null) {
            delete.put("range_end", base64(end));
        }
        if (options.isPrevKv()) {
            delete.put("prev_kv", true);
        }
        return delete;
    }

    static ObjectNode compare(Compare compare) {
        byte[] key = compare.key();
        ObjectNode json = V3Json.object().put("key", base64(key))
            .put("target", compare.target().name())
            .put("result", compare.result().name());
        byte[] end = compare.range().endFor(key);
        if (end != null) {
            json.put("range_end", base64(end));
        }
        switch (compare.target()) {
            case VALUE -> json.put("value", base64(compare.value()));
            case VERSION -> json.put("version", Long.toString(compare.number()));
            case CREATE -> json.put("create_revision", Long.toString(compare.number()));
            case MOD -> json.put("mod_revision", Long.toString(compare.number()));
            case LEASE -> json.put("lease", Long.toString(compare.number()));
        }
        return json;
    }

    static ArrayNode ops(List<Op> ops) {
        ArrayNode array = V3Json.array();
        for (Op op : ops) {
            if (op instanceof Op.Get get) {
                array.add(V3Json.op("request_range", range(get.key(), get.options(), false)));
            }
            else if (op instanceof Op.Put put) {
                array.add(V3Json.op("request_put", put(put.key(), put.value(), put.options())));
            }
            else if (op instanceof Op.Delete delete) {
                array.add(V3Json.op("request_delete_range", delete(delete.key(), delete.options())));
            }
        }
        return array;
    }

    /** Whether no operation of the branches writes: the transaction may then be sent again like a read. */
    static boolean readOnly(List<Op> success, List<Op> failure) {
        return success.stream().allMatch(Op.Get.class::isInstance) && failure.stream().allMatch(Op.Get.class::isInstance);
    }

    // ---------------------------------------------------------------- answers

    static KeyValue keyValue(JsonNode kv) {
        return new KeyValue(bytes(kv.path("key")), bytes(kv.path("value")), V3Json.number(kv.path("create_revision")),
                V3Json.number(kv.path("mod_revision")), V3Json.number(kv.path("version")),
                V3Json.number(kv.path("lease")));
    }

    static List<KeyValue> keyValues(JsonNode node, String field) {
        List<KeyValue> kvs = new ArrayList<>();
        node.path(field).forEach((kv) -> kvs.add(keyValue(kv)));
        return kvs;
    }

    static RangeResult rangeResult(JsonNode answer, long revision) {
        return new RangeResult(keyValues(answer, "kvs"), V3Json.number(answer.path("count")),
                answer.path("more").asBoolean(false), revision);
    }

    static PutResult putResult(JsonNode answer, long revision) {
        JsonNode prev = answer.path("prev_kv");
        return new PutResult(revision, prev.isMissingNode() ? null : keyValue(prev));
    }

    static DeleteResult deleteResult(JsonNode answer, long revision) {
        return new DeleteResult(V3Json.number(answer.path("deleted")), keyValues(answer, "prev_kvs"), revision);
    }

    /** A transaction's answer; each result carries the transaction's revision. */
    static TxnResult txnResult(JsonNode answer) {
        long revision = V3Json.revision(answer);
        List<OpResult> results = new ArrayList<>();
        for (JsonNode response : answer.path("responses")) {
            if (response.has("response_range")) {
                results.add(rangeResult(response.path("response_range"), revision));
            }
            else if (response.has("response_put")) {
                results.add(putResult(response.path("response_put"), revision));
            }
            else if (response.has("response_delete_range")) {
                results.add(deleteResult(response.path("response_delete_range"), revision));
            }
            else {
                throw new IllegalStateException("etcd answered a transaction with an operation result of a kind "
                        + "this client does not know: " + response.propertyNames().toString().toLowerCase(Locale.ROOT));
            }
        }
        return new TxnResult(answer.path("succeeded").asBoolean(false), results, revision);
    }
}
