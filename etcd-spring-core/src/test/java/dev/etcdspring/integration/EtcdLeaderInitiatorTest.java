// One job: the leader initiator against a real etcd on both APIs: who is granted, when it is revoked, what is
// published, and that nothing is left behind.
package dev.etcdspring.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.election.Leader;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link EtcdLeaderInitiator} against a real etcd, on both APIs, two initiators with two templates as two
 * applications: exactly one is granted (its candidate's {@code onGranted}, an {@code OnGrantedEvent}) while the other
 * waits in etcd; stopping the leader revokes it ({@code onRevoked}, {@code OnRevokedEvent}) and the other is granted
 * well within the time to live; yielding moves the leadership and the yielder campaigns again; a leadership lost in
 * etcd is revoked and campaigned for again; a candidate working in {@code onGranted} is interrupted when its
 * leadership ends; and a stopped initiator leaves nothing in etcd.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdLeaderInitiatorTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final Duration TTL = Duration.ofSeconds(10);

    /** Well within the time to live: a handover that waited for an expiry would take longer. */
    private static final Duration HANDOVER = Duration.ofSeconds(5);

    private final EtcdApi api;

    private final List<EtcdTemplate> templates = new ArrayList<>();

    private final List<EtcdLeaderInitiator> initiators = new ArrayList<>();

    private String role;

    EtcdLeaderInitiatorTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void role(TestInfo test) {
        this.role = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void close() {
        this.initiators.forEach(EtcdLeaderInitiator::stop);
        this.templates.forEach(EtcdTemplate::close);
    }

    /** An application: its own template, candidate, initiator and recorded events. */
    private final class App {

        final RecordingCandidate candidate;

        final EtcdLeaderInitiator initiator;

        final List<AbstractLeaderEvent> events = new CopyOnWriteArrayList<>();

        App(String id) {
            this(new RecordingCandidate(id, EtcdLeaderInitiatorTest.this.role));
        }

        App(RecordingCandidate candidate) {
            EtcdTemplate template = EtcdTemplate.builder().endpoints(etcd.endpoint())
                .api(EtcdLeaderInitiatorTest.this.api).build();
            EtcdLeaderInitiatorTest.this.templates.add(template);
            this.candidate = candidate;
            this.initiator = new EtcdLeaderInitiator(template, candidate, "elections/", TTL);
            ApplicationEventPublisher publisher = (event) -> {
                if (event instanceof AbstractLeaderEvent leaderEvent) {
                    this.events.add(leaderEvent);
                }
            };
            this.initiator.setApplicationEventPublisher(publisher);
            EtcdLeaderInitiatorTest.this.initiators.add(this.initiator);
        }

        App start() {
            this.initiator.start();
            return this;
        }

        long granted() {
            return this.events.stream().filter(OnGrantedEvent.class::isInstance).count();
        }

        long revoked() {
            return this.events.stream().filter(OnRevokedEvent.class::isInstance).count();
        }

        boolean leads() {
            return this.initiator.getContext().isLeader();
        }
    }

    /** A candidate that records its callbacks. */
    static class RecordingCandidate extends DefaultCandidate {

        final List<String> calls = new CopyOnWriteArrayList<>();

        final List<Boolean> leaderInCallbacks = new CopyOnWriteArrayList<>();

        RecordingCandidate(String id, String role) {
            super(id, role);
        }

        @Override
        public void onGranted(Context ctx) {
            super.onGranted(ctx);
            this.leaderInCallbacks.add(ctx.isLeader());
            this.calls.add("granted");
        }

        @Override
        public void onRevoked(Context ctx) {
            super.onRevoked(ctx);
            this.leaderInCallbacks.add(ctx.isLeader());
            this.calls.add("revoked");
        }
    }

    /** The candidates' keys in etcd, as another client sees them. */
    private int candidates() {
        String name = "elections/" + this.role;
        try (EtcdTemplate reader = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build()) {
            if (this.api == EtcdApi.V3) {
                return (int) reader.opsForKeyValue().getPrefix(name + "/").count();
            }
            try {
                java.util.Map<String, Object> tree = reader.getTree(name);
                return (tree != null) ? tree.size() : 0;
            }
            catch (EtcdKeyNotFoundException ex) {
                return 0;
            }
        }
    }

    private Optional<Leader> leader() {
        return this.templates.get(0).opsForElections().leader("elections/" + this.role);
    }

    @Test
    void ofTwoInitiatorsExactlyOneIsGrantedAndTheOtherWaitsInEtcd() {
        App a = new App("a").start();
        App b = new App("b").start();
        await().atMost(HANDOVER).until(() -> candidates() == 2 && a.granted() + b.granted() == 1);
        App leader = (a.granted() == 1) ? a : b;
        App follower = (leader == a) ? b : a;
        assertThat(leader.leads()).isTrue();
        assertThat(follower.leads()).isFalse();
        assertThat(follower.candidate.calls).isEmpty();
        assertThat(leader.candidate.calls).containsExactly("granted");
        assertThat(leader.candidate.leaderInCallbacks).as("isLeader in onGranted").containsExactly(true);
        assertThat(leader().orElseThrow().value()).as("the leader proclaims its id").isEqualTo(leader.candidate.getId());
        OnGrantedEvent event = (OnGrantedEvent) leader.events.get(0);
        assertThat(event.getRole()).isEqualTo(this.role);
        assertThat(event.getSource()).isSameAs(leader.initiator);
        assertThat(event.getContext().isLeader()).isTrue();
        assertThat(event.getContext().getRole()).isEqualTo(this.role);
        assertThat(leader.initiator.getContext().getTerm()).isEqualTo(leader().orElseThrow().term()).isPositive();
        assertThat(follower.initiator.getContext().getTerm()).isZero();
        assertThat(follower.initiator.getContext().getLeader().orElseThrow().value()).isEqualTo(leader.candidate.getId());
        assertThat(leader.initiator.isRunning()).isTrue();
        assertThat(follower.initiator.isRunning()).isTrue();
    }

    @Test
    void stoppingTheLeaderRevokesItAndTheOtherIsGrantedWellWithinTheTimeToLive() {
        App a = new App("a").start();
        await().atMost(HANDOVER).until(() -> a.granted() == 1);
        App b = new App("b").start();
        await().atMost(HANDOVER).until(() -> candidates() == 2);
        long start = System.nanoTime();
        a.initiator.stop();
        assertThat(a.candidate.calls).as("stop() returns once revoked").containsExactly("granted", "revoked");
        assertThat(a.candidate.leaderInCallbacks).containsExactly(true, false);
        assertThat(a.revoked()).isEqualTo(1);
        assertThat(a.events.get(1)).isInstanceOf(OnRevokedEvent.class);
        assertThat(a.leads()).isFalse();
        assertThat(a.initiator.isRunning()).isFalse();
        await().atMost(HANDOVER).until(() -> b.granted() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TTL);
        assertThat(b.leads()).isTrue();
        assertThat(candidates()).as("the stopped one left etcd").isEqualTo(1);
        assertThat(a.granted()).as("and campaigns no more").isEqualTo(1);
    }

    @Test
    void yieldingMovesTheLeadershipAndTheYielderCampaignsAgain() {
        App a = new App("a").start();
        await().atMost(HANDOVER).until(() -> a.granted() == 1);
        App b = new App("b").start();
        await().atMost(HANDOVER).until(() -> candidates() == 2);
        long firstTerm = a.initiator.getContext().getTerm();
        a.initiator.getContext().yield();
        assertThat(a.leads()).as("at once").isFalse();
        await().atMost(HANDOVER).until(() -> b.granted() == 1);
        assertThat(a.candidate.calls).containsExactly("granted", "revoked");
        assertThat(a.revoked()).isEqualTo(1);
        assertThat(b.initiator.getContext().getTerm()).isGreaterThan(firstTerm);
        await().atMost(HANDOVER).until(() -> candidates() == 2);
        assertThat(a.initiator.isRunning()).isTrue();
        // And back: b yields through the context its candidate was given.
        b.candidate.yieldLeadership();
        await().atMost(HANDOVER).until(() -> a.granted() == 2);
        assertThat(a.initiator.getContext().getTerm()).isGreaterThan(b.initiator.getContext().getTerm());
        assertThat(b.revoked()).isEqualTo(1);
    }

    @Test
    void aLeaderAloneThatYieldsIsGrantedAgainWithANewTerm() {
        App a = new App("a").start();
        await().atMost(HANDOVER).until(() -> a.granted() == 1);
        long first = a.initiator.getContext().getTerm();
        a.initiator.getContext().yield();
        await().atMost(HANDOVER).until(() -> a.granted() == 2);
        assertThat(a.candidate.calls).containsExactly("granted", "revoked", "granted");
        assertThat(a.initiator.getContext().getTerm()).isGreaterThan(first);
        assertThat(candidates()).isEqualTo(1);
    }

    @Test
    void aLeadershipLostInEtcdIsRevokedTheOtherIsGrantedAndTheLoserCampaignsAgain() {
        App a = new App("a").start();
        await().atMost(HANDOVER).until(() -> a.granted() == 1);
        App b = new App("b").start();
        await().atMost(HANDOVER).until(() -> candidates() == 2);
        String key = leader().orElseThrow().key();
        if (this.api == EtcdApi.V3) {
            this.templates.get(1).opsForKeyValue().delete(key);
        }
        else {
            this.templates.get(1).delete(key);
        }
        await().atMost(HANDOVER).until(() -> a.revoked() == 1 && b.granted() == 1);
        assertThat(a.leads()).isFalse();
        assertThat(b.leads()).isTrue();
        await().atMost(HANDOVER).until(() -> candidates() == 2);
        assertThat(leader().orElseThrow().value()).isEqualTo("b");
    }

    @Test
    void aCandidateWorkingInOnGrantedIsInterruptedWhenItsLeadershipEnds() throws Exception {
        CountDownLatch working = new CountDownLatch(1);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        RecordingCandidate worker = new RecordingCandidate("worker", this.role) {

            @Override
            public void onGranted(Context ctx) {
                super.onGranted(ctx);
                working.countDown();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                }
                catch (InterruptedException ex) {
                    ended.set(ex);
                }
            }
        };
        App a = new App(worker).start();
        assertThat(working.await(HANDOVER.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(a.granted()).as("published once onGranted returns").isZero();
        App b = new App("b").start();
        await().atMost(HANDOVER).until(() -> candidates() == 2);
        a.initiator.getContext().yield();
        await().atMost(HANDOVER).until(() -> b.granted() == 1);
        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        assertThat(worker.calls).containsExactly("granted", "revoked");
        assertThat(a.events).extracting((e) -> e.getClass().getSimpleName())
            .containsExactly("OnGrantedEvent", "OnRevokedEvent");
    }

    @Test
    void aCandidateThatFailsInOnGrantedGivesTheLeadershipUp() {
        RecordingCandidate failing = new RecordingCandidate("failing", this.role) {

            @Override
            public void onGranted(Context ctx) {
                super.onGranted(ctx);
                if (this.calls.size() == 1) {
                    throw new IllegalStateException("not now");
                }
            }
        };
        App a = new App(failing).start();
        await().atMost(HANDOVER).until(() -> failing.calls.size() >= 3);
        assertThat(failing.calls.subList(0, 3)).containsExactly("granted", "revoked", "granted");
        assertThat(a.leads()).isTrue();
    }

    @Test
    void stoppingWhileCampaigningWithdrawsTheCandidacyAndAStartCampaignsAgain() throws Exception {
        App a = new App("a").start();
        await().atMost(HANDOVER).until(() -> a.granted() == 1);
        App b = new App("b").start();
        await().atMost(HANDOVER).until(() -> candidates() == 2);
        CountDownLatch stopped = new CountDownLatch(1);
        b.initiator.stop(stopped::countDown);
        assertThat(stopped.await(HANDOVER.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(candidates()).as("b's candidacy is withdrawn").isEqualTo(1);
        assertThat(b.events).isEmpty();
        assertThat(b.candidate.calls).isEmpty();
        b.initiator.start();
        await().atMost(HANDOVER).until(() -> candidates() == 2);
        a.initiator.stop();
        await().atMost(HANDOVER).until(() -> b.granted() == 1);
        b.initiator.stop();
        assertThat(candidates()).as("nothing is left in etcd").isZero();
        assertThat(b.candidate.calls).containsExactly("granted", "revoked");
    }

    @Test
    void aStoppedInitiatorsContextNeverLeadsAndStopTwiceDoesNothing() {
        App a = new App("a");
        assertThat(a.initiator.isRunning()).isFalse();
        Context context = a.initiator.getContext();
        assertThat(context.isLeader()).isFalse();
        assertThat(context.getRole()).isEqualTo(this.role);
        context.yield();
        a.initiator.stop();
        CountDownLatch told = new CountDownLatch(1);
        a.initiator.stop(told::countDown);
        assertThat(told.getCount()).as("a stopped initiator tells at once").isZero();
        assertThat(a.initiator.isAutoStartup()).isTrue();
        assertThat(a.initiator.getPhase()).isEqualTo(Integer.MAX_VALUE - 1000);
        assertThat(a.initiator.getElection()).isEqualTo("elections/" + this.role);
        assertThat(a.initiator.getTtl()).isEqualTo(TTL);
        assertThat(candidates()).isZero();
    }

    @Test
    void theApplicationsExecutorRunsTheCampaign() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor((task) -> new Thread(task, "app-leader"));
        try {
            AtomicReference<String> thread = new AtomicReference<>();
            RecordingCandidate candidate = new RecordingCandidate("a", this.role) {

                @Override
                public void onGranted(Context ctx) {
                    thread.set(Thread.currentThread().getName());
                    super.onGranted(ctx);
                }
            };
            App a = new App(candidate);
            a.initiator.setTaskExecutor(pool);
            a.initiator.start();
            await().atMost(HANDOVER).until(() -> a.granted() == 1);
            assertThat(thread.get()).isEqualTo("app-leader");
        }
        finally {
            this.initiators.forEach(EtcdLeaderInitiator::stop);
            pool.shutdownNow();
        }
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        EtcdTemplate template = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.templates.add(template);
        DefaultCandidate candidate = new DefaultCandidate("id", "role");
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLeaderInitiator(null, candidate))
            .withMessageContaining("etcd");
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLeaderInitiator(template, null))
            .withMessageContaining("candidate");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new EtcdLeaderInitiator(template, candidate, null, TTL))
            .withMessageContaining("prefix");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new EtcdLeaderInitiator(template, candidate, "elections/", Duration.ofMillis(10)))
            .withMessageContaining("ttl");
        EtcdLeaderInitiator initiator = new EtcdLeaderInitiator(template, candidate);
        assertThatIllegalArgumentException().isThrownBy(() -> initiator.setTaskExecutor(null))
            .withMessageContaining("executor");
        assertThatIllegalArgumentException().isThrownBy(() -> initiator.setLeaderEventPublisher(null))
            .withMessageContaining("leaderEventPublisher");
        assertThat(initiator.getElection()).isEqualTo("elections/role");
        assertThat(initiator.getTtl()).isEqualTo(Duration.ofSeconds(15));
    }
}
