// One job: the leases behind v2's time to live: one granted for each write with a time to live (revoked when
// the write certainly failed), and the remaining time to live of keys' leases as reads and watches need it.
package dev.etcdspring.core.v3;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Grants, revokes and asks after leases; a lease is never shared by two writes.
 */
final class V3Leases {

    /** Under the protocol's name, where a user looks for it. */
    private static final Logger logger = LoggerFactory.getLogger(V3Protocol.class);

    /** A lease granted for one write: its id and the time to live the server granted. */
    record Lease(String id, long ttl) {
    }

    private final V3Gateway gateway;

    V3Leases(V3Gateway gateway) {
        this.gateway = gateway;
    }

    /** A lease for one write with that time to live; {@code null} for a write without one. */
    Lease grant(Duration ttl, String key, Duration timeout) {
        if (ttl == null) {
            return null;
        }
        JsonNode granted = this.gateway.post("/v3/lease/grant",
                V3Json.object().put("TTL", Long.toString(ttl.getSeconds())), false, timeout, key);
        return new Lease(granted.path("ID").asString(), V3Json.number(granted.path("TTL")));
    }

    /** Revokes a lease no key took; one left behind expires by itself, so a failure is only logged. */
    void revokeQuietly(Lease lease, String key, Duration timeout) {
        if (lease == null) {
            return;
        }
        try {
            this.gateway.post("/v3/lease/revoke", V3Json.object().put("ID", lease.id()), false, timeout, key);
        }
        catch (EtcdException ex) {
            logger.debug("Revoking an unused lease for {} failed; it expires after its time to live", key, ex);
        }
    }

    /**
     * A write transaction. A lease granted for it is revoked when the write certainly failed (etcd refused it), so
     * that only a write whose outcome is unknown leaves its lease to expire by itself.
     */
    JsonNode write(ArrayNode compare, ArrayNode success, ArrayNode failure, Lease lease, Duration timeout,
            String key) {
        try {
            return this.gateway.txn(compare, success, failure, false, timeout, key);
        }
        catch (EtcdException ex) {
            if (!ex.isOutcomeUnknown()) {
                revokeQuietly(lease, key, timeout);
            }
            throw ex;
        }
    }

    /** The remaining time to live of each lease the keys are attached to, by lease id. */
    Map<String, Long> ttls(List<JsonNode> kvs, Duration timeout) {
        Map<String, Long> ttls = new HashMap<>();
        for (JsonNode kv : kvs) {
            String lease = kv.path("lease").asString("");
            if (!lease.isEmpty() && !lease.equals("0") && !ttls.containsKey(lease)) {
                JsonNode live = this.gateway.post("/v3/lease/timetolive", V3Json.object().put("ID", lease), true,
                        timeout, V3Json.text(kv.path("key")));
                ttls.put(lease, Math.max(0, V3Json.number(live.path("TTL"))));
            }
        }
        return ttls;
    }

    /**
     * Whether the key's lease no longer exists, as after its expiry: etcd's watch says only "DELETE". A key
     * deleted by a caller keeps its lease (one per write here) until the lease's own time runs out.
     */
    boolean gone(String lease, String key) {
        if (lease.isEmpty() || lease.equals("0")) {
            return false;
        }
        JsonNode live = this.gateway.post("/v3/lease/timetolive", V3Json.object().put("ID", lease), true, null, key);
        return V3Json.number(live.path("TTL")) < 0;
    }
}
