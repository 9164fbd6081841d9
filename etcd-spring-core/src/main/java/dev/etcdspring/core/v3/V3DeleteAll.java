// One job: deleteAll on v3: one atomic delete of a directory's range, of nothing the directory model cannot show:
// a keys-only read checks the range, and the delete compares that nothing in it changed since that read, trying
// again after a short pause while other writers change it.
package dev.etcdspring.core.v3;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdBackoff;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.internal.Pauses;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.backoff.BackOffExecution;

/**
 * Deletes everything below a directory in one transaction. A plain range delete would also take keys that the
 * directory model cannot show (a key that holds a value and has keys below it, a key with an empty segment), and
 * the response's {@code prevNode} would then hide keys that were really deleted. So the range is read first, keys
 * only, and checked; the delete then compares that no key in the range was created or modified after that read's
 * revision, so what it deletes is what the read checked (less keys deleted meanwhile). A write in between means
 * reading again. A directory that is itself a key with a value is refused, as on v2 ("Not a directory"), or, with
 * keys below it too, as a keyspace conflict. Hidden keys go too (v3 has no hidden keys to leave), so they are
 * checked as well.
 */
final class V3DeleteAll {

    private static final V3Errors ERRORS = V3Errors.INSTANCE;

    /** How many times {@code deleteAll} reads and deletes while other writers keep changing the range. */
    private static final int ATTEMPTS = 10;

    /**
     * The pauses between those attempts: random, up to an interval that grows from 2 ms to 50 ms, so that a
     * writer busy in the range gets out of the way.
     */
    private static final EtcdBackoff PAUSES = EtcdBackoff.exponential(Duration.ofMillis(2), Duration.ofMillis(50))
        .jitter(1.0)
        .maxAttempts(ATTEMPTS - 1);

    private final V3Gateway gateway;

    private final V3Leases leases;

    V3DeleteAll(V3Gateway gateway, V3Leases leases) {
        this.gateway = gateway;
        this.leases = leases;
    }

    EtcdResponse delete(String dir, WriteOptions options) {
        Duration timeout = options.getTimeout();
        String prefix = V3Keys.dirPrefix(dir);
        boolean root = dir.equals(EtcdKeys.ROOT);
        ArrayNode reads = V3Json.array().add(V3Json.op("request_range",
                V3Json.rangeRequest(prefix, V3Keys.prefixEnd(prefix), false, false).put("keys_only", true)));
        if (!root) {
            reads.add(V3Json.op("request_range", V3Json.rangeRequest(dir, null, true, false)));
        }
        EtcdNode node = new EtcdNode(dir, null, true, 0, 0, null, null, null);
        BackOffExecution pauses = PAUSES.start();
        long revision;
        do {
            // The range and the directory's own key, in one state.
            JsonNode read = this.gateway.txn(V3Json.array(), reads, V3Json.array(), true, timeout, dir);
            revision = V3Json.revision(read);
            JsonNode responses = read.path("responses");
            List<JsonNode> keys = V3Json.list(responses.path(0).path("response_range"), "kvs");
            if (!root && V3Json.number(responses.path(1).path("response_range").path("count")) > 0) {
                throw keys.isEmpty() ? ERRORS.local(EtcdException.NOT_DIRECTORY, "Not a directory", dir, dir, revision)
                        : ERRORS.valueWithKeysBelow(dir, V3Json.text(keys.get(0).path("key")), dir, revision);
            }
            V3Directories.check(dir, keys, true, revision);
            if (keys.isEmpty()) {
                // Nothing to delete at the read's revision: the delete happened then, taking nothing.
                return V3Json.response("delete", node, null, read);
            }
            ArrayNode compare = V3Json.array().add(V3Json.unchangedSince(prefix, revision));
            if (!root) {
                compare.add(V3Json.absent(dir));
            }
            ObjectNode delete = V3Json.object().put("key", V3Keys.base64(prefix))
                .put("range_end", V3Keys.prefixEnd(prefix))
                .put("prev_kv", true);
            JsonNode answer = this.leases.write(compare,
                    V3Json.array().add(V3Json.op("request_delete_range", delete)), V3Json.array(), null, timeout, dir);
            if (answer.path("succeeded").asBoolean(false)) {
                List<JsonNode> deleted = V3Json.list(answer.path("responses").path(0).path("response_delete_range"),
                        "prev_kvs");
                EtcdNode prevNode = deleted.isEmpty() ? null
                        : V3Directories.directory(dir, deleted, ReadOptions.defaults().recursive(true).sorted(true),
                                true, V3Json.revision(answer), (shown) -> Map.of());
                return V3Json.response("delete", node, prevNode, answer);
            }
            revision = V3Json.revision(answer);
        }
        while (Pauses.next(pauses, dir, "deleteAll of '" + dir + "' was interrupted; nothing was deleted"));
        throw new EtcdException("deleteAll of '" + dir + "' gave up after " + ATTEMPTS + " attempts: other writers "
                + "kept changing the keys below it between its read and its delete; nothing was deleted",
                EtcdException.Details.forKey(dir).httpStatus(200).index(revision).build(), null);
    }
}
