package dev.etcdspring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.EtcdProcess;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A three-member cluster (a fresh one per test) losing members while a client works: the member the client uses, a
 * follower or the leader, is killed with {@code SIGKILL} and the client goes on through the others; with two of three
 * gone, writes end as "outcome unknown" within their timeout and reads fail with a message that says why; everything
 * recovers when the members return; and a dead member is not tried again on every call.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class ClusterFaultsTest {

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    private final EtcdApi api;

    ClusterFaultsTest(EtcdApi api) {
        this.api = api;
    }

    private EtcdTemplate.Builder template(List<String> endpoints) {
        return EtcdTemplate.builder().endpoints(endpoints).api(this.api).timeout(Duration.ofSeconds(2))
            .connectTimeout(Duration.ofMillis(500));
    }

    /**
     * A writer writes 1, 2, 3, ... as fast as it can, each write only after the previous one was acknowledged or
     * failed; the member it is using is killed (the leader, or a follower) halfway. The writes go on through the
     * others: the longest pause between two acknowledged writes is printed (about a second when the leader dies: the
     * election), and every acknowledged write is there at the end.
     */
    @ParameterizedTest
    @ValueSource(strings = { "leader", "follower" })
    void killingTheMemberInUseKeepsWritesAndReadsGoing(String role) throws Exception {
        List<EtcdProcess> members = this.etcd.cluster().members();
        EtcdProcess victim = role.equals("leader") ? this.etcd.cluster().leader()
                : this.etcd.cluster().followers().get(0);
        List<String> endpoints = new ArrayList<>();
        endpoints.add(victim.clientUrl());
        members.stream().filter((m) -> m != victim).forEach((m) -> endpoints.add(m.clientUrl()));
        EtcdTemplate etcdTemplate = template(endpoints).build();
        etcdTemplate.set("failover", "0");
        assertThat(etcdTemplate.currentEndpoint()).isEqualTo(victim.clientUrl());

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong longestGapNanos = new AtomicLong();
        AtomicLong unknown = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            long lastAck = System.nanoTime();
            for (long i = 1; !stop.get(); i++) {
                try {
                    etcdTemplate.set("failover", Long.toString(i));
                    long now = System.nanoTime();
                    longestGapNanos.accumulateAndGet(now - lastAck, Math::max);
                    lastAck = now;
                    acknowledged.set(i);
                }
                catch (EtcdException ex) {
                    if (ex.isOutcomeUnknown()) {
                        unknown.incrementAndGet();
                    }
                }
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.get() >= 50);
        victim.kill();
        long killedAt = acknowledged.get();
        await("writes go on after the kill").atMost(Duration.ofSeconds(15))
            .until(() -> acknowledged.get() >= killedAt + 50);
        stop.set(true);
        writer.get();
        assertThat(etcdTemplate.currentEndpoint()).isNotEqualTo(victim.clientUrl());
        long last = Long.parseLong(etcdTemplate.get("failover"));
        assertThat(last).as("the last acknowledged write is there (a write of unknown outcome may follow it)")
            .isBetween(acknowledged.get(), acknowledged.get() + 1);
        System.out.printf("%s, %s killed: longest pause between acknowledged writes %d ms, %d writes of unknown"
                + " outcome, %d acknowledged%n", this.api, role, longestGapNanos.get() / 1_000_000, unknown.get(),
                acknowledged.get());
        assertThat(Duration.ofNanos(longestGapNanos.get())).as("failover, election included")
            .isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void withTwoOfThreeDownWritesEndUnknownReadsFailClearlyAndAllRecovers() {
        EtcdTemplate etcdTemplate = template(this.etcd.endpoints()).build();
        etcdTemplate.set("quorum", "before");
        this.etcd.cluster().member(0).kill();
        this.etcd.cluster().member(1).kill();

        long start = System.nanoTime();
        assertThatExceptionOfType(EtcdException.class).as("a write").isThrownBy(() -> etcdTemplate.set("quorum", "during"))
            .satisfies((e) -> {
                assertThat(e.isOutcomeUnknown()).as(e.getMessage()).isTrue();
                assertThat(e.getKey()).isEqualTo("/quorum");
            });
        assertThatExceptionOfType(EtcdException.class).as("a linearizable read")
            .isThrownBy(() -> etcdTemplate.get("quorum"))
            .satisfies((e) -> {
                assertThat(e.isOutcomeUnknown()).isFalse();
                assertThat(e.getKey()).isEqualTo("/quorum");
                assertThat(e.getMessage()).contains("/quorum");
            });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("both ended within their timeouts")
            .isLessThan(Duration.ofSeconds(20));

        this.etcd.cluster().restart(0);
        this.etcd.cluster().restart(1);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
            .until(() -> etcdTemplate.set("quorum", "after").node().value().equals("after"));
        assertThat(etcdTemplate.get("quorum")).isEqualTo("after");
    }

    @Test
    void aDeadMemberIsNotTriedAgainOnEveryCall() {
        try (TcpProxy first = TcpProxy.to(this.etcd.cluster().member(0).clientUrl())) {
            List<String> endpoints = new ArrayList<>(List.of(first.url()));
            endpoints.addAll(this.etcd.endpoints().subList(1, 3));
            EtcdTemplate etcdTemplate = template(endpoints).build();
            first.cut();
            etcdTemplate.get("remembered");
            int afterFirstCall = first.connections();
            for (int i = 0; i < 50; i++) {
                etcdTemplate.set("remembered", Integer.toString(i));
                assertThat(etcdTemplate.get("remembered")).isEqualTo(Integer.toString(i));
            }
            assertThat(afterFirstCall).as("the first call tried the dead member").isPositive();
            assertThat(first.connections()).as("100 more calls did not").isEqualTo(afterFirstCall);
        }
    }
}
