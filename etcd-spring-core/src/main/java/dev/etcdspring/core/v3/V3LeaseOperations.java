// One job: the v3 lease operations over the gateway: grant, one renewal per request, revoke, time to live, list,
// and the keep-alive loops started in the template's scope.
package dev.etcdspring.core.v3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.internal.KeepAliveLoop;
import dev.etcdspring.core.internal.Observations;
import dev.etcdspring.core.internal.TemplateScope;
import dev.etcdspring.core.lease.EtcdLease;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import dev.etcdspring.core.lease.LeaseGrant;
import dev.etcdspring.core.lease.LeaseTimeToLive;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link EtcdLeaseOperations} on the v3 JSON gateway. Observed as {@code lease-grant}, {@code keep-alive} (each
 * renewal), {@code revoke}, {@code time-to-live} and {@code leases}. A renewal is one {@code POST} of
 * {@code /v3/lease/keepalive}: the gateway answers one only when the request body ends, so a stream of renewals on
 * one open request would get no answer.
 */
final class V3LeaseOperations implements EtcdLeaseOperations {

    /** How long closing a kept-alive lease waits for its revocation. */
    private static final Duration REVOKE_ON_CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final V3Gateway gateway;

    private final Observations observations;

    private final TemplateScope scope;

    V3LeaseOperations(V3Gateway gateway, Observations observations, TemplateScope scope) {
        this.gateway = gateway;
        this.observations = observations;
        this.scope = scope;
    }

    @Override
    public LeaseGrant grant(Duration ttl) {
        return grantWithId(ttl, 0);
    }

    @Override
    public LeaseGrant grant(Duration ttl, long id) {
        if (id <= 0) {
            throw new IllegalArgumentException("lease id must be positive, got " + id);
        }
        return grantWithId(ttl, id);
    }

    /** A grant, with the id etcd chooses for 0. */
    private LeaseGrant grantWithId(Duration ttl, long id) {
        return this.observations.observe("lease-grant", (id != 0) ? name(id) : null, (context) -> {
            long seconds = seconds(ttl);
            ObjectNode request = V3Json.object().put("TTL", Long.toString(seconds));
            if (id != 0) {
                request.put("ID", Long.toString(id));
            }
            JsonNode answer = this.gateway.post("/v3/lease/grant", request, false, null, (id != 0) ? name(id) : null);
            return new LeaseGrant(Long.parseLong(answer.path("ID").asString()),
                    Duration.ofSeconds(V3Json.number(answer.path("TTL"))), V3Json.revision(answer));
        });
    }

    private static long seconds(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.getNano() != 0) {
            throw new IllegalArgumentException(
                    "a lease's ttl must be a positive number of whole seconds (etcd counts in seconds), got " + ttl);
        }
        return ttl.getSeconds();
    }

    @Override
    public EtcdLease grantAndKeepAlive(Duration ttl) {
        // The grant's send time starts the safe deadline: etcd starts the time to live after it received it.
        long sent = System.nanoTime();
        LeaseGrant granted = grant(ttl);
        return start(granted.id(), granted.ttl(), sent);
    }

    @Override
    public EtcdLease keepAlive(LeaseGrant lease) {
        if (lease == null) {
            throw new IllegalArgumentException("lease must not be null");
        }
        return keepAlive(lease.id());
    }

    /** A first renewal now: its send time and answer start the safe deadline, however old the grant is. */
    @Override
    public EtcdLease keepAlive(long id) {
        long sent = System.nanoTime();
        Duration ttl = keepAliveOnce(id);
        return start(id, ttl, sent);
    }

    private EtcdLease start(long id, Duration ttl, long sent) {
        KeepAliveLoop loop = new KeepAliveLoop(id, ttl, sent, this::renew,
                (lease) -> revoke(lease, REVOKE_ON_CLOSE_TIMEOUT), this.scope.aborter(), this.scope::ended);
        return this.scope.keepAlive(loop);
    }

    @Override
    public Duration keepAliveOnce(long id) {
        // Thrown inside the observation: a renewal of a lease that is gone is an etcd error (100) there too.
        return this.observations.observe("keep-alive", name(id), (context) -> {
            Duration ttl = renewal(id, null);
            if (ttl == null) {
                throw notFound(id);
            }
            return ttl;
        });
    }

    /**
     * One renewal of a kept-alive lease, observed; {@code null} when etcd answered without a time to live (the lease
     * is gone: noted on the observation as not found, as a read of a missing key is).
     */
    private Duration renew(long id, Duration timeout) {
        return this.observations.observe("keep-alive", name(id), (context) -> {
            Duration ttl = renewal(id, timeout);
            if (ttl == null) {
                Observations.noteFailure(context, notFound(id));
            }
            return ttl;
        });
    }

    /** One renewal; {@code null} when etcd answered without a time to live (the lease is gone). */
    private Duration renewal(long id, Duration timeout) {
        JsonNode answer = this.gateway.post("/v3/lease/keepalive", V3Json.object().put("ID", Long.toString(id)),
                true, timeout, name(id));
        long ttl = V3Json.number(answer.path("result").path("TTL"));
        return (ttl > 0) ? Duration.ofSeconds(ttl) : null;
    }

    @Override
    public boolean revoke(long id) {
        return revoke(id, null);
    }

    private boolean revoke(long id, Duration timeout) {
        return this.observations.observe("revoke", name(id), (context) -> {
            try {
                this.gateway.post("/v3/lease/revoke", V3Json.object().put("ID", Long.toString(id)), false, timeout,
                        name(id));
                return true;
            }
            catch (EtcdKeyNotFoundException ex) {
                Observations.noteFailure(context, ex);
                return false;
            }
        });
    }

    @Override
    public LeaseTimeToLive timeToLive(long id, boolean withKeys) {
        return this.observations.observe("time-to-live", name(id), (context) -> {
            JsonNode answer = this.gateway.post("/v3/lease/timetolive",
                    V3Json.object().put("ID", Long.toString(id)).put("keys", withKeys), true, null, name(id));
            long ttl = V3Json.number(answer.path("TTL"));
            if (ttl < 0) {
                Observations.noteFailure(context, notFound(id));
                return null;
            }
            List<byte[]> keys = new ArrayList<>();
            answer.path("keys").forEach((key) -> keys.add(V3KvCodec.bytes(key)));
            return new LeaseTimeToLive(id, Duration.ofSeconds(ttl),
                    Duration.ofSeconds(V3Json.number(answer.path("grantedTTL"))), keys, V3Json.revision(answer));
        });
    }

    @Override
    public List<Long> list() {
        return this.observations.observe("leases", null, (context) -> {
            JsonNode answer = this.gateway.post("/v3/lease/leases", V3Json.object(), true, null, null);
            List<Long> ids = new ArrayList<>();
            answer.path("leases").forEach((lease) -> ids.add(Long.parseLong(lease.path("ID").asString())));
            return ids;
        });
    }

    /** A lease as messages name it: in hexadecimal, as etcdctl shows it. */
    private static String name(long id) {
        return "lease " + Long.toHexString(id);
    }

    private static EtcdException notFound(long id) {
        return V3Errors.INSTANCE.local(EtcdException.KEY_NOT_FOUND, "Lease not found",
                "etcd does not know " + name(id) + " (expired, revoked, or never granted)", name(id), 0);
    }
}
