package dev.etcdspring.core.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.lock.EtcdLockTimeoutException;
import dev.etcdspring.core.lock.LockOptions;
import dev.etcdspring.test.EtcdCluster;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.EtcdProcess;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One leader at a time on a real three-member cluster that keeps losing members, and whose leaders die: four
 * candidates, each with links of its own to all three members, campaign in one election again and again, lead for a
 * moment and resign, while members are killed ({@code SIGKILL}) and restarted one at a time (the leader among them),
 * and the leading candidate's "process dies" every other step: its links are blackholed without a word to etcd, so
 * its key stays until its time to live runs out, and a new life of that candidate campaigns again.
 *
 * <p>Each candidate records each of its terms as the interval during which it believed it led, by one monotonic
 * clock: from the moment its campaign returned to the earliest of its listener hearing of the loss, a polling thread
 * finding {@link EtcdLeadership#isLeader()} {@code false} (polled every 0.1 ms: polling late makes a belief look
 * longer, never shorter) and the moment before it resigned. No two intervals overlap, the terms grow in the order
 * they began, and after each death another candidate leads within the time to live and 5 s.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class ElectionChaosTest {

    private static final int CANDIDATES = 4;

    private static final Duration TTL = Duration.ofSeconds(3);

    private static final Duration CHAOS = Duration.ofSeconds(20);

    /** After a leader dies, another leads within this. */
    private static final Duration TAKEOVER = TTL.plusSeconds(5);

    /** A bound for waits that take a time to live or two, generous for a busy machine. */
    private static final Duration WAIT = TTL.multipliedBy(5).plusSeconds(10);

    private static final String ELECTION = "chaos/election";

    private static final LockOptions OPTIONS = LockOptions.defaults().ttl(TTL).waitAtMost(Duration.ofSeconds(60));

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    private final EtcdApi api;

    private final AtomicBoolean running = new AtomicBoolean(true);

    private final List<Term> terms = new CopyOnWriteArrayList<>();

    /** The terms whose belief has not ended yet, for the polling thread. */
    private final Set<Term> open = ConcurrentHashMap.newKeySet();

    private final List<Death> deaths = new CopyOnWriteArrayList<>();

    private final List<Candidate> candidates = new ArrayList<>();

    private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();

    private final AtomicInteger campaignFailures = new AtomicInteger();

    private final java.util.concurrent.atomic.AtomicReference<String> lastFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    ElectionChaosTest(EtcdApi api) {
        this.api = api;
    }

    /** One term of one candidate: when it began to believe it led, and when it stopped (0 until then). */
    private final class Term {

        final int candidate;

        final EtcdLeadership leadership;

        final long begin;

        private final AtomicLong end = new AtomicLong();

        /** Whether it ended by resigning, rather than by a loss. */
        volatile boolean resigned;

        Term(int candidate, EtcdLeadership leadership, long begin) {
            this.candidate = candidate;
            this.leadership = leadership;
            this.begin = begin;
        }

        void end() {
            if (this.end.compareAndSet(0, System.nanoTime())) {
                ElectionChaosTest.this.open.remove(this);
            }
        }

        boolean ended() {
            return this.end.get() != 0;
        }

        long endedAt() {
            return this.end.get();
        }

        @Override
        public String toString() {
            return "candidate " + this.candidate + " term " + this.leadership.term();
        }
    }

    /** A leading candidate's death: which term it ended, and when. */
    private record Death(Term term, long at) {
    }

    /** One life of a candidate: its own links to the members and its own template through them. */
    private final class Life implements AutoCloseable {

        final List<TcpProxy> links = new ArrayList<>();

        final EtcdTemplate template;

        /** Guards {@link #dead} against the candidate's resigning. */
        final Object lock = new Object();

        volatile boolean dead;

        Life(List<String> endpoints) {
            endpoints.forEach((endpoint) -> this.links.add(TcpProxy.to(endpoint)));
            this.template = EtcdTemplate.builder().endpoints(this.links.stream().map(TcpProxy::url).toList())
                .api(ElectionChaosTest.this.api).timeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofMillis(500)).build();
        }

        /** The process dies: from now on nothing it sends gets anywhere, nothing is refused. */
        void die() {
            this.dead = true;
            this.links.forEach(TcpProxy::stall);
        }

        @Override
        public void close() {
            // Hang up on everything first, so that closing does not wait out a blackhole's timeouts.
            this.links.forEach(TcpProxy::cut);
            this.template.close();
            this.links.forEach(TcpProxy::close);
        }
    }

    /** A candidate: its lives, one after another, and its term now. */
    private final class Candidate {

        final int id;

        volatile Life life;

        volatile Term current;

        Candidate(int id) {
            this.id = id;
        }
    }

    @AfterEach
    void stop() {
        this.running.set(false);
        this.candidates.forEach((c) -> {
            Life life = c.life;
            if (life != null) {
                life.close();
            }
        });
    }

    @Test
    void neverTwoLeadersAndLeadershipMovesOnWhenALeaderDies() throws Exception {
        EtcdCluster cluster = this.etcd.cluster();
        Thread poller = new Thread(this::poll, "election-chaos-poller");
        poller.setDaemon(true);
        poller.start();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CANDIDATES; c++) {
            Candidate candidate = new Candidate(c);
            this.candidates.add(candidate);
            Thread thread = new Thread(() -> campaign(candidate, cluster), "election-chaos-" + c);
            thread.start();
            threads.add(thread);
        }
        await().atMost(WAIT).until(() -> this.terms.size() >= CANDIDATES);

        long start = System.nanoTime();
        List<String> steps = new ArrayList<>();
        Random random = new Random();
        for (int step = 0; System.nanoTime() - start < CHAOS.toNanos(); step++) {
            long before = System.nanoTime();
            if (step % 2 == 0) {
                Death death = await("a candidate leads").atMost(WAIT).until(this::killTheLeader, (d) -> d != null);
                this.deaths.add(death);
                steps.add("candidate " + death.term().candidate + " died");
                await("another candidate leads after candidate " + death.term().candidate + " died")
                    .atMost(TAKEOVER.plus(WAIT)).until(() -> begunSince(death.at()));
            }
            else {
                EtcdProcess victim = (step % 4 == 1) ? leader(cluster) : cluster.followers().get(random.nextInt(2));
                int index = cluster.members().indexOf(victim);
                victim.kill();
                steps.add(victim.name() + ((step % 4 == 1) ? " (leader)" : "") + " killed");
                await("a new term with " + victim.name() + " down").atMost(WAIT).until(() -> begunSince(before));
                cluster.restart(index);
                long restarted = System.nanoTime();
                await("a new term after " + victim.name() + " is back").atMost(WAIT)
                    .until(() -> begunSince(restarted));
            }
        }
        Duration chaos = Duration.ofNanos(System.nanoTime() - start);
        this.running.set(false);
        for (Thread thread : threads) {
            thread.join(WAIT.toMillis() * 2);
            assertThat(thread.isAlive()).as(thread.getName() + " ended").isFalse();
        }
        assertThat(this.unexpected).isEmpty();

        List<Term> inOrder = this.terms.stream().sorted(Comparator.comparingLong((Term t) -> t.begin)).toList();
        assertThat(inOrder).as("every belief ended").allMatch(Term::ended);
        long closestGap = Long.MAX_VALUE;
        long closestAfterLoss = Long.MAX_VALUE;
        for (int i = 1; i < inOrder.size(); i++) {
            Term previous = inOrder.get(i - 1);
            Term next = inOrder.get(i);
            assertThat(previous.endedAt()).as("%s believed it led until after %s began to", previous, next)
                .isLessThan(next.begin);
            closestGap = Math.min(closestGap, next.begin - previous.endedAt());
            if (!previous.resigned) {
                closestAfterLoss = Math.min(closestAfterLoss, next.begin - previous.endedAt());
            }
        }
        assertThat(inOrder).extracting((t) -> t.leadership.term()).as("terms in the order they began").isSorted()
            .doesNotHaveDuplicates();
        List<Long> takeovers = new ArrayList<>();
        List<Long> beliefs = new ArrayList<>();
        for (Death death : this.deaths) {
            Term next = inOrder.stream().filter((t) -> t.begin > death.at()).findFirst().orElseThrow();
            takeovers.add(TimeUnit.NANOSECONDS.toMillis(next.begin - death.at()));
            beliefs.add(TimeUnit.NANOSECONDS.toMillis(death.term().endedAt() - death.at()));
        }
        List<Long> termsByCandidate = this.candidates.stream()
            .map((c) -> inOrder.stream().filter((t) -> t.candidate == c.id).count())
            .toList();
        System.out.printf("ElectionChaosTest %s: %d s of chaos: %s; %d terms (%s by candidate), closest gap between"
                + " two %d ms (%d ms after a lost one); after a death another led in %s ms, the dead one believed it"
                + " led for %s ms more; %d campaigns failed (the last: %s)%n", this.api, chaos.toSeconds(), steps,
                inOrder.size(), termsByCandidate, TimeUnit.NANOSECONDS.toMillis(closestGap),
                TimeUnit.NANOSECONDS.toMillis(closestAfterLoss), takeovers, beliefs, this.campaignFailures.get(),
                this.lastFailure.get());
        assertThat(this.deaths).as("leaders died").hasSizeGreaterThanOrEqualTo(2);
        assertThat(steps).as("the etcd leader was killed too").anyMatch((s) -> s.endsWith("(leader) killed"));
        assertThat(takeovers).as("another candidate led within the time to live and 5 s of each death")
            .allMatch((ms) -> ms <= TAKEOVER.toMillis());
        assertThat(this.candidates).as("every candidate led")
            .allMatch((c) -> inOrder.stream().anyMatch((t) -> t.candidate == c.id));
    }

    /** Kills the leading candidate's process, if one leads now. */
    private Death killTheLeader() {
        for (Candidate candidate : this.candidates) {
            Life life = candidate.life;
            Term term = candidate.current;
            if (life == null || term == null || term.ended()) {
                continue;
            }
            synchronized (life.lock) {
                // Not while it resigns: then it would not die a leader.
                if (!life.dead && !term.ended() && candidate.life == life) {
                    life.die();
                    return new Death(term, System.nanoTime());
                }
            }
        }
        return null;
    }

    private boolean begunSince(long nanos) {
        return this.terms.stream().anyMatch((t) -> t.begin > nanos);
    }

    private static EtcdProcess leader(EtcdCluster cluster) {
        return await().atMost(WAIT).ignoreExceptions().until(cluster::leader, (m) -> m != null);
    }

    /** Ends each open term as soon as its leadership says it no longer leads. */
    private void poll() {
        while (this.running.get() || !this.open.isEmpty()) {
            for (Term term : this.open) {
                if (!term.leadership.isLeader()) {
                    term.end();
                }
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** A candidate: campaigns, leads for a moment, resigns; again, in a new life after each death. */
    private void campaign(Candidate candidate, EtcdCluster cluster) {
        Random random = new Random(candidate.id);
        try {
            while (this.running.get()) {
                Life life = new Life(cluster.endpoints());
                candidate.life = life;
                try {
                    while (this.running.get() && !life.dead) {
                        EtcdLeadership leadership;
                        try {
                            leadership = life.template.opsForElections()
                                .campaign(ELECTION, "candidate-" + candidate.id, OPTIONS);
                        }
                        catch (EtcdException | EtcdLockTimeoutException ex) {
                            // etcd out of reach, or the wait ran out: not a candidate now, campaign again shortly
                            this.campaignFailures.incrementAndGet();
                            this.lastFailure.set(ex.toString());
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                            continue;
                        }
                        lead(candidate, life, leadership, random);
                    }
                }
                finally {
                    life.close();
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException | Error ex) {
            this.unexpected.add(ex);
        }
    }

    private void lead(Candidate candidate, Life life, EtcdLeadership leadership, Random random) {
        Term term = new Term(candidate.id, leadership, System.nanoTime());
        this.open.add(term);
        this.terms.add(term);
        candidate.current = term;
        leadership.addListener((l, reason, cause) -> term.end());
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 + random.nextInt(350));
        while (System.nanoTime() < until && leadership.isLeader() && !life.dead) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        synchronized (life.lock) {
            if (!life.dead) {
                term.resigned = !term.ended();
                term.end();
                leadership.resign();
                return;
            }
        }
        // Dead: it does nothing more, but goes on believing until its leadership says otherwise.
        long giveUp = System.nanoTime() + WAIT.toNanos();
        while (!term.ended()) {
            if (System.nanoTime() - giveUp > 0) {
                throw new IllegalStateException(term + " still believes it leads " + WAIT + " after its death");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
