package dev.etcdspring.core.lease;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.kv.PutOptions;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Kept-alive leases against a real etcd: a lease of etcd's minimum time to live (2 s) outlives several of them,
 * with its key, renewed by one HTTP request per renewal and no more often than a third of its time to live; and
 * closing it, or the template, stops the renewals, revokes it (its key goes), gives its thread back and tells no
 * listener.
 */
class KeepAliveTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    /** A second client, as another process would see etcd. */
    private EtcdTemplate direct;

    @BeforeEach
    void direct() {
        this.direct = EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterEach
    void closeDirect() {
        this.direct.close();
    }

    /** The three ways to start a keep-alive. */
    enum Start {

        GRANT_AND_KEEP_ALIVE, KEEP_ALIVE_GRANT, KEEP_ALIVE_ID;

        EtcdLease start(EtcdLeaseOperations leases) {
            return switch (this) {
                case GRANT_AND_KEEP_ALIVE -> leases.grantAndKeepAlive(TTL);
                case KEEP_ALIVE_GRANT -> leases.keepAlive(leases.grant(TTL));
                case KEEP_ALIVE_ID -> leases.keepAlive(leases.grant(TTL).id());
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Start.class)
    void aKeptAliveLeaseOutlivesSeveralTimesToLiveWithOneRequestPerRenewal(Start how) {
        LeaseProbe probe = new LeaseProbe();
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicInteger lossesHeard = new AtomicInteger();
        String key = "keepalive/" + how;
        long start = System.nanoTime();
        long id;
        try (EtcdTemplate etcdTemplate = probe.template(etcd.endpoint()).build()) {
            EtcdLease lease = how.start(etcdTemplate.opsForLeases());
            id = lease.id();
            lease.addListener((l, reason, cause) -> lossesHeard.incrementAndGet());
            assertThat(lease.ttl()).isEqualTo(TTL);
            assertThat(lease.isAlive()).isTrue();
            if (how != Start.GRANT_AND_KEEP_ALIVE) {
                assertThat(probe.renewalsAcknowledged).as("keepAlive(...) renews once before it returns")
                    .hasValueGreaterThanOrEqualTo(1);
            }
            etcdTemplate.opsForKeyValue().put(key, "held", PutOptions.defaults().lease(id));
            await().atMost(Duration.ofSeconds(10)).until(() -> LeaseProbe.keepAliveThreadRuns(id));

            // Four times its time to live, every look finds it alive, on both sides, and its key there.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!lease.isAlive()) {
                    violations.add("isAlive() false at " + elapsed(start));
                }
                if (lease.remaining().compareTo(TTL) > 0 || lease.remaining().isZero()) {
                    violations.add("remaining() " + lease.remaining() + " at " + elapsed(start));
                }
                if (this.direct.opsForLeases().timeToLive(id, false) == null) {
                    violations.add("etcd does not know the lease at " + elapsed(start));
                }
                if (this.direct.opsForKeyValue().get(key) == null) {
                    violations.add("the key is gone at " + elapsed(start));
                }
                return System.nanoTime() - start >= 4 * TTL.toNanos();
            });
            assertThat(violations).isEmpty();
            assertThat(this.direct.opsForKeyValue().get(key).lease()).isEqualTo(id);
            assertThat(this.direct.opsForLeases().timeToLive(id, false).grantedTtl()).isEqualTo(TTL);

            lease.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !LeaseProbe.keepAliveThreadRuns(id));
        }
        long end = System.nanoTime();
        assertThat(lossesHeard).hasValue(0);
        assertThat(probe.renewalFailures).isEmpty();
        // Alive for 8 s on a 2 s lease: at least three renewals were acknowledged.
        assertThat(probe.renewalsAcknowledged).hasValueGreaterThanOrEqualTo(3);
        // One POST per renewal, each a whole body of its own (the gateway does not stream keep-alives)...
        assertThat(probe.keepAliveRequests).hasSize(probe.renewalsStarted.get())
            .allSatisfy((body) -> assertThat(body).isEqualTo("{\"ID\":\"" + id + "\"}"));
        // ...and the loop's sends are a third of the time to live apart at least: no more of them than fit.
        long fit = (end - start) / (TTL.toNanos() / 3) + ((how == Start.GRANT_AND_KEEP_ALIVE) ? 0 : 1);
        assertThat((long) probe.keepAliveRequests.size()).as("renewals in %s", elapsed(start))
            .isLessThanOrEqualTo(fit);
    }

    @Test
    void keepAliveOfAnUnknownLeaseIsKeyNotFoundAndStartsNothing() {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            EtcdLeaseOperations leases = etcdTemplate.opsForLeases();
            LeaseGrant revoked = leases.grant(TTL);
            leases.revoke(revoked.id());
            assertThatExceptionOfType(EtcdKeyNotFoundException.class).isThrownBy(() -> leases.keepAlive(revoked));
            assertThatExceptionOfType(EtcdKeyNotFoundException.class)
                .isThrownBy(() -> leases.keepAlive(revoked.id()))
                .withMessageContaining(Long.toHexString(revoked.id()));
            assertThat(LeaseProbe.keepAliveThreadRuns(revoked.id())).isFalse();
        }
    }

    @Test
    void closeStopsTheRenewalsRevokesTheLeaseAndTellsNoListener() {
        LeaseProbe probe = new LeaseProbe();
        AtomicInteger lossesHeard = new AtomicInteger();
        try (EtcdTemplate etcdTemplate = probe.template(etcd.endpoint()).build()) {
            EtcdLease lease = etcdTemplate.opsForLeases().grantAndKeepAlive(TTL);
            long id = lease.id();
            lease.addListener((l, reason, cause) -> lossesHeard.incrementAndGet());
            etcdTemplate.opsForKeyValue().put("keepalive/closed", "x", PutOptions.defaults().lease(id));
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.renewalsAcknowledged.get() >= 2);
            assertThat(LeaseProbe.keepAliveThreadRuns(id)).isTrue();

            lease.close();
            assertThat(lease.isAlive()).isFalse();
            assertThat(lease.remaining()).isZero();
            assertThat(this.direct.opsForLeases().timeToLive(id, false)).as("revoked by close()").isNull();
            assertThat(this.direct.opsForKeyValue().get("keepalive/closed")).isNull();
            assertThat(probe.revocations).hasValue(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !LeaseProbe.keepAliveThreadRuns(id));

            int renewals = probe.renewalsStarted.get();
            lease.close();
            assertThat(probe.revocations).as("close() is idempotent").hasValue(1);
            // For more than a time to live, no renewal is sent, and no listener hears of a loss.
            await().during(TTL.plusMillis(500)).atMost(TTL.plusSeconds(5))
                .until(() -> probe.renewalsStarted.get() == renewals && lossesHeard.get() == 0);
            assertThat(lease.isAlive()).isFalse();
            assertThat(lease.toString()).contains(Long.toHexString(id)).contains("closed");
        }
    }

    @Test
    void closeDuringARenewalInFlightEndsItAndStillRevokes() {
        LeaseProbe probe = new LeaseProbe();
        AtomicInteger lossesHeard = new AtomicInteger();
        try (TcpProxy slow = TcpProxy.to(etcd.endpoint());
                EtcdTemplate etcdTemplate = probe.template(slow.url()).build()) {
            EtcdLease lease = etcdTemplate.opsForLeases().grantAndKeepAlive(Duration.ofSeconds(6));
            long id = lease.id();
            lease.addListener((l, reason, cause) -> lossesHeard.incrementAndGet());
            // Every request now spends 0.6 s on its way to etcd: the loop's next renewal is caught in flight.
            slow.delayToTarget(Duration.ofMillis(600));
            await().atMost(Duration.ofSeconds(20)).until(() -> probe.renewalsInFlight.get() == 1);

            lease.close();
            assertThat(lease.isAlive()).isFalse();
            assertThat(this.direct.opsForLeases().timeToLive(id, false)).as("revoked by close()").isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> !LeaseProbe.keepAliveThreadRuns(id));
            assertThat(probe.renewalsInFlight).as("the renewal in flight ended").hasValue(0);
            assertThat(lossesHeard).hasValue(0);
        }
    }

    @Test
    void aKeepAliveOnTheApplicationsExecutorGivesItsThreadBackAsItWas() throws Exception {
        AtomicReference<Thread> pooled = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(1, (task) -> {
            Thread thread = new Thread(task, "app-pool");
            thread.setDaemon(true);
            pooled.set(thread);
            return thread;
        });
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).executor(pool).build()) {
            EtcdLease lease = etcdTemplate.opsForLeases().grantAndKeepAlive(TTL);
            await().atMost(Duration.ofSeconds(10)).until(() -> LeaseProbe.keepAliveThreadRuns(lease.id()));
            assertThat(pooled.get().getName()).isEqualTo("etcd-keepalive " + Long.toHexString(lease.id()));
            lease.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> pooled.get().getName().equals("app-pool"));
            // The thread is free for the next task, and carries no interrupt of close()'s into it.
            Future<Boolean> next = pool.submit(() -> Thread.currentThread().isInterrupted());
            assertThat(next.get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(pooled.get().isAlive()).isTrue();
        }
        assertThat(pool.isShutdown()).as("the template leaves the application's executor running").isFalse();
        pool.shutdown();
    }

    @Test
    void closingTheTemplateRevokesItsKeptAliveLeasesAndEndsTheirThreads() {
        AtomicInteger lossesHeard = new AtomicInteger();
        EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
        EtcdLeaseOperations leases = etcdTemplate.opsForLeases();
        EtcdLease first = leases.grantAndKeepAlive(TTL);
        EtcdLease second = leases.keepAlive(leases.grant(Duration.ofSeconds(30)));
        LeaseGrant notKeptAlive = leases.grant(Duration.ofSeconds(30));
        for (EtcdLease lease : List.of(first, second)) {
            lease.addListener((l, reason, cause) -> lossesHeard.incrementAndGet());
            etcdTemplate.opsForKeyValue().put("keepalive/template/" + Long.toHexString(lease.id()), "x",
                    PutOptions.defaults().lease(lease.id()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> LeaseProbe.keepAliveThreadRuns(first.id())
                && LeaseProbe.keepAliveThreadRuns(second.id()));

        etcdTemplate.close();
        for (EtcdLease lease : List.of(first, second)) {
            assertThat(lease.isAlive()).isFalse();
            assertThat(this.direct.opsForLeases().timeToLive(lease.id(), false)).isNull();
            assertThat(this.direct.opsForKeyValue().get("keepalive/template/" + Long.toHexString(lease.id())))
                .isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> !LeaseProbe.keepAliveThreadRuns(lease.id()));
            lease.close();
        }
        assertThat(this.direct.opsForLeases().timeToLive(notKeptAlive.id(), false))
            .as("a lease the template only granted is the application's").isNotNull();
        assertThat(lossesHeard).hasValue(0);

        assertThatIllegalStateException().isThrownBy(() -> leases.grant(TTL)).withMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(() -> leases.grantAndKeepAlive(TTL));
        assertThatIllegalStateException().isThrownBy(() -> leases.keepAlive(notKeptAlive.id()));
        assertThatIllegalStateException().isThrownBy(() -> leases.keepAliveOnce(notKeptAlive.id()));
        assertThatIllegalStateException().isThrownBy(() -> leases.timeToLive(notKeptAlive.id(), true));
        assertThatIllegalStateException().isThrownBy(() -> leases.revoke(notKeptAlive.id()));
        assertThatIllegalStateException().isThrownBy(leases::list);
        this.direct.opsForLeases().revoke(notKeptAlive.id());
    }

    private static String elapsed(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
    }
}
