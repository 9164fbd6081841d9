package dev.etcdspring.core.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.kv.PutOptions;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a kept-alive lease is lost, against a real etcd: revoked by another client (etcd answers the next renewal
 * without a time to live); out of reach (a blackholed link), when the client gives up at its safe deadline, no
 * later than etcd expires the lease; and acknowledged only after that deadline, when the lease does not come back.
 * Listeners hear once, whenever they were added, and one that throws does not stop the others.
 */
class LeaseLossTest {

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

    /** One report of a loss. */
    private record Heard(LeaseLoss reason, Throwable cause, Thread thread, String threadName, boolean alive,
            Duration remaining) {

        static Heard now(EtcdLease lease, LeaseLoss reason, Throwable cause) {
            Thread thread = Thread.currentThread();
            return new Heard(reason, cause, thread, thread.getName(), lease.isAlive(), lease.remaining());
        }
    }

    @Test
    void aLeaseRevokedByAnotherClientIsLostAsExpiredAndTheListenersHearOnce() {
        LeaseProbe probe = new LeaseProbe();
        List<Heard> heard = new CopyOnWriteArrayList<>();
        AtomicInteger throwingCalls = new AtomicInteger();
        try (EtcdTemplate etcdTemplate = probe.template(etcd.endpoint()).build()) {
            EtcdLease lease = etcdTemplate.opsForLeases().grantAndKeepAlive(TTL);
            long id = lease.id();
            lease.addListener((l, reason, cause) -> {
                throwingCalls.incrementAndGet();
                throw new IllegalStateException("a listener that fails");
            });
            lease.addListener((l, reason, cause) -> heard.add(Heard.now(l, reason, cause)));
            etcdTemplate.opsForKeyValue().put("loss/revoked", "x", PutOptions.defaults().lease(id));
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.renewalsAcknowledged.get() >= 1
                    && LeaseProbe.keepAliveThreadRuns(id));

            assertThat(this.direct.opsForLeases().revoke(id)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());

            Heard loss = heard.get(0);
            assertThat(loss.reason()).isEqualTo(LeaseLoss.EXPIRED);
            assertThat(loss.cause()).isNull();
            assertThat(loss.alive()).as("isAlive() in the listener").isFalse();
            assertThat(loss.remaining()).isZero();
            assertThat(loss.threadName()).as("told on the keep-alive's thread")
                .isEqualTo("etcd-keepalive " + Long.toHexString(id));
            assertThat(throwingCalls).as("the failing listener was called too").hasValue(1);
            assertThat(lease.isAlive()).isFalse();
            assertThat(lease.remaining()).isZero();
            assertThat(lease.toString()).contains("lost: EXPIRED");
            await().atMost(Duration.ofSeconds(10)).until(() -> !LeaseProbe.keepAliveThreadRuns(id));
            int renewals = probe.renewalsStarted.get();

            // A listener added now hears at once, on the thread that adds it.
            List<Heard> late = new ArrayList<>();
            lease.addListener((l, reason, cause) -> late.add(Heard.now(l, reason, cause)));
            assertThat(late).singleElement().satisfies((h) -> {
                assertThat(h.reason()).isEqualTo(LeaseLoss.EXPIRED);
                assertThat(h.thread()).isSameAs(Thread.currentThread());
            });

            lease.close();
            assertThat(probe.revocations).as("etcd said the lease is gone: nothing to revoke").hasValue(0);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1
                    && throwingCalls.get() == 1 && late.size() == 1 && probe.renewalsStarted.get() == renewals);
            assertThat(this.direct.opsForKeyValue().get("loss/revoked")).isNull();
        }
    }

    /**
     * The link to etcd is blackholed: the client gives up at its safe deadline, the send time of its last
     * acknowledged renewal plus the time to live, by its own clock, while etcd counts from when it received that
     * renewal. The link's latency towards etcd (1.5 s) puts those apart by as much at least, so that the order
     * shows however busy the machine is: when the listener hears, etcd still has the lease and its key, and
     * expires them only afterwards.
     */
    @Test
    void outOfReachTheClientGivesUpNoLaterThanEtcdExpiresTheLease() {
        Duration ttl = Duration.ofSeconds(4);
        LeaseProbe probe = new LeaseProbe();
        List<Heard> heard = new CopyOnWriteArrayList<>();
        AtomicLong heardAt = new AtomicLong();
        AtomicLong askedAt = new AtomicLong();
        AtomicReference<LeaseTimeToLive> etcdThen = new AtomicReference<>();
        AtomicReference<KeyValue> keyThen = new AtomicReference<>();
        List<long[]> remainingSamples = new CopyOnWriteArrayList<>();
        try (TcpProxy link = TcpProxy.to(etcd.endpoint());
                EtcdTemplate etcdTemplate = probe.template(link.url()).build()) {
            link.delayToTarget(Duration.ofMillis(1500));
            EtcdLease lease = etcdTemplate.opsForLeases().grantAndKeepAlive(ttl);
            long id = lease.id();
            etcdTemplate.opsForKeyValue().put("loss/out-of-reach", "x", PutOptions.defaults().lease(id));
            lease.addListener((l, reason, cause) -> {
                heardAt.set(System.nanoTime());
                heard.add(Heard.now(l, reason, cause));
                // Asked after the client gave up, over a link of its own.
                keyThen.set(this.direct.opsForKeyValue().get("loss/out-of-reach"));
                etcdThen.set(this.direct.opsForLeases().timeToLive(id, true));
                askedAt.set(System.nanoTime());
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> probe.renewalsAcknowledged.get() >= 2);
            assertThat(lease.isAlive()).isTrue();
            // The second client's connection is open before the listener needs it.
            assertThat(this.direct.opsForKeyValue().get("loss/out-of-reach")).isNotNull();

            long stalledAt = System.nanoTime();
            link.stall();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                remainingSamples.add(new long[] { System.nanoTime(), lease.remaining().toNanos() });
                return !heard.isEmpty();
            });

            Heard loss = heard.get(0);
            assertThat(loss.reason()).isEqualTo(LeaseLoss.DEADLINE_PASSED);
            assertThat(loss.cause()).as("the last renewal's failure").isInstanceOf(EtcdException.class);
            assertThat(loss.alive()).isFalse();
            assertThat(loss.remaining()).isZero();
            assertThat(lease.isAlive()).isFalse();
            assertThat(lease.remaining()).isZero();
            assertThat(probe.renewalFailures).as("renewals timed out against the blackhole").isNotEmpty();

            // Once a renewal has failed, nothing can move the deadline: remaining() only counts down, to zero.
            long firstFailure = probe.renewalFailures.get(0);
            List<Long> afterFailure = remainingSamples.stream().filter((s) -> s[0] > firstFailure)
                .map((s) -> s[1]).toList();
            assertThat(afterFailure).isNotEmpty();
            assertThat(afterFailure).isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(remainingSamples.stream().filter((s) -> s[0] < heardAt.get()).map((s) -> s[1]))
                .as("while the lease was alive").allMatch((nanos) -> nanos > 0 || !lease.isAlive());

            // The order: when the client gave up, etcd still had the lease and its key.
            String when = "heard " + TimeUnit.NANOSECONDS.toMillis(heardAt.get() - stalledAt)
                    + " ms after the stall, renewals failed at " + probe.renewalFailures.stream()
                        .map((at) -> TimeUnit.NANOSECONDS.toMillis(at - stalledAt) + " ms").toList()
                    + ", etcd asked until " + TimeUnit.NANOSECONDS.toMillis(askedAt.get() - stalledAt)
                    + " ms: " + etcdThen.get();
            assertThat(etcdThen.get()).as("etcd's lease after the listener heard: %s", when).isNotNull();
            assertThat(etcdThen.get().keyNames()).containsExactly("loss/out-of-reach");
            assertThat(keyThen.get()).as("the key after the listener heard: %s", when).isNotNull();
            // And etcd does expire it by itself afterwards: nothing renewed it since.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> this.direct.opsForLeases().timeToLive(id, false) == null);
            assertThat(this.direct.opsForKeyValue().get("loss/out-of-reach")).isNull();

            link.restore();
            await().atMost(Duration.ofSeconds(10)).until(() -> !LeaseProbe.keepAliveThreadRuns(id));
            lease.close();
            assertThat(heard).hasSize(1);
            org.slf4j.LoggerFactory.getLogger(LeaseLossTest.class).info("out of reach: {}", when);
        }
    }

    /**
     * The first endpoint is blackholed and the second answers slowly: the renewal that fails over reaches etcd in
     * time and is acknowledged, but only after the client's safe deadline. isAlive() may have said {@code false}
     * meanwhile, so the lease stays lost, though etcd renewed it; the listener hears at the deadline, while that
     * renewal is still in flight, not when it comes back; closing the lease revokes it. The first link's latency
     * towards etcd (0.5 s) makes etcd's own expiry later than the client's deadline, so that the failed-over
     * renewal certainly finds the lease; the second's towards the client (0.35 s) brings the acknowledgement after
     * the deadline, though the first attempt's timeout ended up to 0.2 s before it (and, when a timeout ran up to
     * 0.2 s past the deadline instead, before the new deadline, which is how a lease came back to life).
     */
    @Test
    void aRenewalAcknowledgedAfterTheDeadlineDoesNotBringTheLeaseBack() throws Exception {
        LeaseProbe probe = new LeaseProbe();
        List<Heard> heard = new CopyOnWriteArrayList<>();
        AtomicReference<LeaseTimeToLive> etcdBeforeClose = new AtomicReference<>();
        AtomicReference<LeaseTimeToLive> etcdAfterClose = new AtomicReference<>();
        AtomicReference<KeyValue> keyAfterClose = new AtomicReference<>();
        try (TcpProxy first = TcpProxy.to(etcd.endpoint());
                TcpProxy slowSecond = TcpProxy.to(etcd.endpoint());
                EtcdTemplate etcdTemplate = probe.template(first.url(), slowSecond.url()).build()) {
            first.delayToTarget(Duration.ofMillis(500));
            slowSecond.delayToClient(Duration.ofMillis(350));
            EtcdLease lease = etcdTemplate.opsForLeases().grantAndKeepAlive(TTL);
            long id = lease.id();
            etcdTemplate.opsForKeyValue().put("loss/late", "x", PutOptions.defaults().lease(id));
            AtomicInteger acknowledgedWhenHeard = new AtomicInteger(-1);
            lease.addListener((l, reason, cause) -> {
                acknowledgedWhenHeard.set(probe.renewalsAcknowledged.get());
                heard.add(Heard.now(l, reason, cause));
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.renewalsAcknowledged.get() >= 2);
            int acknowledgedBefore = probe.renewalsAcknowledged.get();
            // Watches isAlive() closely: once false, it must never say true again.
            AtomicBoolean watching = new AtomicBoolean(true);
            List<String> revivals = new CopyOnWriteArrayList<>();
            Thread watcher = new Thread(() -> {
                long deadAt = 0;
                while (watching.get()) {
                    boolean alive = lease.isAlive();
                    if (!alive && deadAt == 0) {
                        deadAt = System.nanoTime();
                    }
                    else if (alive && deadAt != 0) {
                        revivals.add("alive again " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadAt)
                                + " ms after it was not");
                        deadAt = 0;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }, "isAlive-watcher");
            watcher.start();

            first.stall();
            await().atMost(Duration.ofSeconds(15)).until(() -> !heard.isEmpty() || !revivals.isEmpty());
            // The late acknowledgement arrives after the listener heard.
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.renewalsAcknowledged.get() > acknowledgedBefore
                    || !revivals.isEmpty());
            etcdBeforeClose.set(this.direct.opsForLeases().timeToLive(id, false));
            lease.close();
            etcdAfterClose.set(this.direct.opsForLeases().timeToLive(id, false));
            keyAfterClose.set(this.direct.opsForKeyValue().get("loss/late"));

            watching.set(false);
            watcher.join();
            assertThat(revivals).as("isAlive() after it said false").isEmpty();
            assertThat(heard.get(0).reason()).isEqualTo(LeaseLoss.DEADLINE_PASSED);
            assertThat(heard.get(0).alive()).isFalse();
            assertThat(acknowledgedWhenHeard).as("the listener heard before the late renewal came back")
                .hasValue(acknowledgedBefore);
            assertThat(probe.renewalsAcknowledged.get()).as("the late renewal was acknowledged")
                .isGreaterThan(acknowledgedBefore);
            assertThat(lease.isAlive()).as("after the late acknowledgement").isFalse();
            assertThat(etcdBeforeClose.get()).as("etcd renewed the lease through the second endpoint")
                .isNotNull();
            assertThat(etcdAfterClose.get()).as("close() revoked it").isNull();
            assertThat(keyAfterClose.get()).isNull();
            assertThat(probe.revocations).hasValue(1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> !lease.isAlive() && heard.size() == 1);
            assertThat(lease.isAlive()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !LeaseProbe.keepAliveThreadRuns(id));
        }
    }

    /** Listeners added while the lease is being lost: each hears exactly once, before the loss or after it. */
    @Test
    void everyListenerHearsExactlyOnceWhileListenersAreAddedAroundTheLoss() throws Exception {
        List<AtomicInteger> calls = new CopyOnWriteArrayList<>();
        AtomicInteger addedAfterLoss = new AtomicInteger();
        AtomicBoolean lost = new AtomicBoolean();
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            EtcdLease lease = etcdTemplate.opsForLeases().grantAndKeepAlive(TTL);
            lease.addListener((l, reason, cause) -> lost.set(true));
            Thread adder = new Thread(() -> {
                while (calls.size() < 10_000 && addedAfterLoss.get() < 200) {
                    boolean lostBefore = lost.get();
                    AtomicInteger count = new AtomicInteger();
                    calls.add(count);
                    lease.addListener((l, reason, cause) -> count.incrementAndGet());
                    if (lostBefore) {
                        addedAfterLoss.incrementAndGet();
                    }
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
                }
            }, "listener-adder");
            assertThat(this.direct.opsForLeases().revoke(lease.id())).isTrue();
            adder.start();
            adder.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(adder.isAlive()).isFalse();
            assertThat(lost).isTrue();
            assertThat(addedAfterLoss.get()).as("listeners added after the loss").isPositive();
            assertThat(calls.size() - addedAfterLoss.get()).as("listeners added before it").isPositive();
            List<String> notOnce = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i).get() != 1) {
                    notOnce.add("listener " + i + " of " + calls.size() + " heard " + calls.get(i).get() + " times");
                }
            }
            assertThat(notOnce).isEmpty();
        }
    }
}
