// One job: the parts behind an EtcdTemplate (transport, protocol, swap loop, health check, observations, the
// v3-native, lease, lock and election operations), wired together when the template is first used.
package dev.etcdspring.core;

import dev.etcdspring.core.election.EtcdElectionOperations;
import dev.etcdspring.core.internal.CoordinationQueue;
import dev.etcdspring.core.internal.EtcdProtocol;
import dev.etcdspring.core.internal.HealthProbe;
import dev.etcdspring.core.internal.HttpTransport;
import dev.etcdspring.core.internal.Observations;
import dev.etcdspring.core.internal.QueuedElectionOperations;
import dev.etcdspring.core.internal.QueuedLockOperations;
import dev.etcdspring.core.internal.SwapEngine;
import dev.etcdspring.core.internal.V2CoordinationQueue;
import dev.etcdspring.core.internal.V3CoordinationQueue;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import dev.etcdspring.core.lock.EtcdLockOperations;
import dev.etcdspring.core.v2.V2Protocol;
import dev.etcdspring.core.v3.V3Protocol;

/**
 * What an {@link EtcdTemplate} works through. Making it loads and builds most of the client (the HTTP backend,
 * the executor, the protocol of the API), so a template makes it on its first operation, not when it is built:
 * an application pays for it when it uses etcd, not while it starts.
 */
final class TemplateWiring {

    final TemplateResources resources;

    final HttpTransport transport;

    final EtcdProtocol protocol;

    final SwapEngine swaps;

    final HealthProbe health;

    final Observations observations;

    /** The v3-native operations; {@code null} on v2. */
    final EtcdKeyValueOperations keyValue;

    /** The lease operations; {@code null} on v2. */
    final EtcdLeaseOperations leases;

    final EtcdLockOperations locks;

    final EtcdElectionOperations elections;

    /** The template's key-value operations as they run. */
    final TemplateCalls calls;

    TemplateWiring(EtcdTemplate template, TemplateSettings settings, EtcdClientListener listener) {
        this.resources = new TemplateResources(settings, listener);
        this.transport = this.resources.transport();
        this.protocol = (settings.api == EtcdApi.V2) ? new V2Protocol(this.transport, settings.credentials)
                : new V3Protocol(this.transport, settings.credentials);
        this.swaps = new SwapEngine(this.protocol, listener, settings.swapMaxAttempts, settings.swapTimeout,
                settings.swapInitialBackoff, settings.swapMaxBackoff);
        this.health = new HealthProbe(this.transport, this.protocol, this.resources.executor());
        this.observations = new Observations(settings.observationRegistry, settings.observationConvention,
                this.protocol.api());
        CoordinationQueue queue;
        if (this.protocol instanceof V3Protocol v3) {
            this.keyValue = v3.keyValueOperations(this.observations,
                    settings.readConsistency == ReadConsistency.SERIALIZABLE, this.resources);
            this.leases = v3.leaseOperations(this.observations, this.resources);
            queue = new V3CoordinationQueue(this.keyValue, this.leases);
        }
        else {
            this.keyValue = null;
            this.leases = null;
            queue = new V2CoordinationQueue(template, (key, ttl, timeout) -> this.observations.observe("refresh", key,
                    (context) -> this.protocol.refresh(key, ttl, timeout)), this.resources);
        }
        this.locks = new QueuedLockOperations(queue, this.observations);
        this.elections = new QueuedElectionOperations(queue, this.observations);
        this.calls = new TemplateCalls(this, settings.readConsistency == ReadConsistency.SERIALIZABLE);
    }
}
