// One job: createInOrder on v3: naming the new key after the revision last seen and creating it only if no
// in-order create in its directory happened since, trying again after a short pause while others take names.
package dev.etcdspring.core.v3;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.etcdspring.core.EtcdBackoff;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.internal.Pauses;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.backoff.BackOffExecution;

/**
 * Names the new key after the revision last seen, zero-padded to 20 digits like v2's, and creates it only if no
 * in-order create in that directory happened since: each create also touches a marker key ({@code "__"} and the
 * directory, outside the {@code /} keyspace, as etcd's own queue recipe does) and compares its revision. So names
 * grow in creation order and are never given twice, even after keys were deleted; a name taken meanwhile means
 * trying again after a short pause, from the revision the failed attempt saw.
 */
final class V3InOrder {

    /** How many names {@code createInOrder} tries while other writers keep taking them. */
    private static final int IN_ORDER_ATTEMPTS = 100;

    /**
     * The pauses between those attempts: random, up to an interval that grows from 2 ms to 50 ms, so that
     * contending creators spread out.
     */
    private static final EtcdBackoff PAUSES = EtcdBackoff.exponential(Duration.ofMillis(2), Duration.ofMillis(50))
        .jitter(1.0)
        .maxAttempts(IN_ORDER_ATTEMPTS - 1);

    private final V3Gateway gateway;

    private final V3Leases leases;

    V3InOrder(V3Gateway gateway, V3Leases leases) {
        this.gateway = gateway;
        this.leases = leases;
    }

    EtcdResponse create(String dir, String value, WriteOptions options) {
        Duration timeout = options.getTimeout();
        String prefix = V3Keys.dirPrefix(dir);
        String marker = "__" + dir;
        List<String> ancestors = V3Keys.ancestors(prefix + "x");
        JsonNode count = this.gateway.post("/v3/kv/range",
                V3Json.rangeRequest(prefix, V3Keys.prefixEnd(prefix), true, false), true, timeout, dir);
        long revision = V3Json.revision(count);
        V3Leases.Lease lease = this.leases.grant(options.getTtl(), dir, timeout);
        BackOffExecution pauses = PAUSES.start();
        do {
            String key = prefix + V3Keys.inOrderName(revision + 1);
            ArrayNode compare = V3Json.array();
            ancestors.forEach((ancestor) -> compare.add(V3Json.absent(ancestor)));
            compare.add(V3Json.compare(key, "CREATE", "EQUAL", "create_revision", "0"));
            compare.add(V3Json.compare(marker, "MOD", "LESS", "mod_revision", Long.toString(revision + 1)));
            ObjectNode put = V3Json.object().put("key", V3Keys.base64(key)).put("value", V3Keys.base64(value));
            if (lease != null) {
                put.put("lease", lease.id());
            }
            ArrayNode success = V3Json.array()
                .add(V3Json.op("request_put", V3Json.object().put("key", V3Keys.base64(marker))))
                .add(V3Json.op("request_put", put));
            ArrayNode failure = V3Json.array();
            ancestors.forEach((ancestor) -> failure
                .add(V3Json.op("request_range", V3Json.rangeRequest(ancestor, null, true, false))));
            JsonNode answer = this.leases.write(compare, success, failure, lease, timeout, key);
            long seen = V3Json.revision(answer);
            if (answer.path("succeeded").asBoolean(false)) {
                Long ttl = (lease != null) ? lease.ttl() : null;
                EtcdNode node = new EtcdNode(key, value, false, seen, seen, ttl,
                        (ttl != null) ? Instant.now().plusSeconds(ttl) : null, null);
                return V3Json.response("create", node, null, answer);
            }
            EtcdException blocked = V3Directories.blockedPath(dir, ancestors, answer.path("responses"), 0, seen);
            if (blocked != null) {
                this.leases.revokeQuietly(lease, dir, timeout);
                throw blocked;
            }
            revision = Math.max(revision + 1, seen);
        }
        while (pause(pauses, dir, lease, timeout));
        this.leases.revokeQuietly(lease, dir, timeout);
        throw new EtcdException("createInOrder in '" + dir + "' found no free name after " + IN_ORDER_ATTEMPTS
                + " attempts: other writers kept creating keys in it; nothing was created",
                EtcdException.Details.forKey(dir).httpStatus(200).index(revision).build(), null);
    }

    /** The next pause; {@code false} once the attempts are used up. The lease goes if the pause is interrupted. */
    private boolean pause(BackOffExecution pauses, String dir, V3Leases.Lease lease, Duration timeout) {
        try {
            return Pauses.next(pauses, dir, "createInOrder in '" + dir + "' was interrupted; nothing was created");
        }
        catch (EtcdException ex) {
            this.leases.revokeQuietly(lease, dir, timeout);
            throw ex;
        }
    }
}
