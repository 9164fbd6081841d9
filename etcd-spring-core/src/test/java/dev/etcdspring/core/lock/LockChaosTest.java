package dev.etcdspring.core.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdCluster;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.EtcdProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mutual exclusion on a real three-member cluster that keeps losing members: five clients, each with a template of
 * its own on all three members, take turns at one lock and, while they hold it, increment a counter kept in etcd
 * with a plain read and then a plain write (no compare-and-set: only the lock keeps two increments apart), while the
 * members are killed ({@code SIGKILL}) and restarted one at a time, the leader every other time, for about 16 s.
 * No increment is lost: the counter ends at the number of increments made; and the fencing tokens, in the order the
 * lock was granted, strictly increase.
 *
 * <p>An increment counts when its write was acknowledged while its lock was still held by the holder's clock: the
 * write was then applied before the holder's safe deadline, so before etcd could have expired its key, so before
 * any other holder could read the counter. A write acknowledged after the deadline, or whose outcome is unknown (a
 * timeout, a member killed under it), ends that holding and counts only if the next read of the counter finds it
 * there: each write carries a nonce. A holder writes only with time enough left for its write to be acknowledged in
 * time, so that few are late.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class LockChaosTest {

    private static final int CLIENTS = 5;

    private static final Duration TTL = Duration.ofSeconds(4);

    private static final Duration CHAOS = Duration.ofSeconds(16);

    /** How long progress may take after a kill or a restart: an election, a lock whose holder died (TTL), slack. */
    private static final Duration PROGRESS = TTL.multipliedBy(5).plusSeconds(10);

    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    /**
     * The time a holding must have left to write: the write's timeout and some slack (a killed member refuses the
     * connection at once, so failing over costs little); with less, a write may be acknowledged after the deadline.
     */
    private static final Duration WRITE_BOUND = TIMEOUT.plusMillis(500);

    private static final String LOCK = "chaos/lock";

    private static final String COUNTER = "chaos/counter";

    private static final LockOptions OPTIONS = LockOptions.defaults().ttl(TTL).waitAtMost(Duration.ofSeconds(60));

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    private final EtcdApi api;

    private final List<EtcdTemplate> templates = new CopyOnWriteArrayList<>();

    private final AtomicBoolean running = new AtomicBoolean(true);

    /** The order in which acquisitions returned, across all clients. */
    private final AtomicLong grantSequence = new AtomicLong();

    private final List<Grant> grants = new CopyOnWriteArrayList<>();

    /** Increments whose write was acknowledged while the lock was held. */
    private final AtomicLong completed = new AtomicLong();

    /** The nonces of writes acknowledged late or of unknown outcome. */
    private final Set<String> uncertain = ConcurrentHashMap.newKeySet();

    /** The nonces of those found applied by the next read. */
    private final Set<String> uncertainApplied = ConcurrentHashMap.newKeySet();

    private final AtomicInteger acquireFailures = new AtomicInteger();

    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    private final AtomicInteger readFailures = new AtomicInteger();

    private final AtomicInteger refusedWrites = new AtomicInteger();

    private final AtomicInteger grantsLostBeforeRecorded = new AtomicInteger();

    private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();

    private final AtomicLong writeNonces = new AtomicLong();

    LockChaosTest(EtcdApi api) {
        this.api = api;
    }

    /** One acquisition: the order it returned in, its token, its client. */
    private record Grant(long sequence, long token, int client) {
    }

    /** What the counter's key holds: the count and the nonce of the write that wrote it. */
    private record Counter(long count, String nonce) {

        static Counter parse(String value) {
            String[] parts = value.split(" ");
            return new Counter(Long.parseLong(parts[0]), parts[1]);
        }
    }

    @AfterEach
    void closeTemplates() {
        this.running.set(false);
        this.templates.forEach(EtcdTemplate::close);
    }

    private EtcdTemplate template(List<String> endpoints) {
        EtcdTemplate template = EtcdTemplate.builder().endpoints(endpoints).api(this.api)
            .timeout(TIMEOUT).connectTimeout(Duration.ofMillis(300)).build();
        this.templates.add(template);
        return template;
    }

    @Test
    void noIncrementIsLostAndTokensGrowWhileMembersAreKilledAndRestarted() throws Exception {
        EtcdCluster cluster = this.etcd.cluster();
        EtcdTemplate direct = template(cluster.endpoints());
        direct.set(COUNTER, "0 initial");
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            // Each client starts on another member, so that every kill hits some client's member in use.
            List<String> endpoints = new ArrayList<>(cluster.endpoints());
            Collections.rotate(endpoints, -c);
            EtcdTemplate template = template(endpoints);
            int client = c;
            Thread worker = new Thread(() -> work(client, template), "lock-chaos-" + c);
            worker.start();
            workers.add(worker);
        }
        await().atMost(PROGRESS).until(() -> this.completed.get() >= 100);

        long start = System.nanoTime();
        List<String> killed = new ArrayList<>();
        Random random = new Random();
        for (int kill = 0; System.nanoTime() - start < CHAOS.toNanos(); kill++) {
            EtcdProcess victim = (kill % 2 == 0) ? leader(cluster)
                    : cluster.followers().get(random.nextInt(2));
            int index = cluster.members().indexOf(victim);
            boolean wasLeader = kill % 2 == 0;
            long before = this.completed.get();
            victim.kill();
            killed.add(victim.name() + (wasLeader ? " (leader)" : ""));
            await("increments go on with " + victim.name() + " down").atMost(PROGRESS)
                .until(() -> this.completed.get() >= before + 50);
            cluster.restart(index);
            long restarted = this.completed.get();
            await("increments go on after " + victim.name() + " is back").atMost(PROGRESS)
                .until(() -> this.completed.get() >= restarted + 50);
        }
        Duration chaos = Duration.ofNanos(System.nanoTime() - start);
        this.running.set(false);
        for (Thread worker : workers) {
            worker.join(PROGRESS.toMillis() * 2);
            assertThat(worker.isAlive()).as(worker.getName() + " ended").isFalse();
        }
        assertThat(this.unexpected).isEmpty();

        Counter last = await().atMost(PROGRESS).ignoreExceptions().until(() -> Counter.parse(direct.get(COUNTER)),
                (c) -> true);
        resolve(last);
        List<Grant> inOrder = this.grants.stream().sorted(Comparator.comparingLong(Grant::sequence)).toList();
        List<Long> tokens = inOrder.stream().map(Grant::token).toList();
        System.out.printf("LockChaosTest %s: %d s of chaos, kills %s; %d increments acknowledged in time, %d of %d"
                + " late or unknown found applied; counter %d; %d grants, tokens %d..%d; %d acquisitions, %d reads"
                + " and %d writes failed; %d grants lost before recorded; last failure to acquire: %s%n", this.api,
                chaos.toSeconds(), killed, this.completed.get(), this.uncertainApplied.size(), this.uncertain.size(),
                last.count(), inOrder.size(), tokens.get(0), tokens.get(tokens.size() - 1),
                this.acquireFailures.get(), this.readFailures.get(), this.refusedWrites.get(),
                this.grantsLostBeforeRecorded.get(), this.lastFailure.get());

        assertThat(killed).as("the leader was killed too").anyMatch((k) -> k.endsWith("(leader)"));
        assertThat(last.count()).as("the counter: every increment made, none lost")
            .isEqualTo(this.completed.get() + this.uncertainApplied.size());
        assertThat(tokens).as("fencing tokens in the order the lock was granted").isSorted().doesNotHaveDuplicates();
        assertThat(inOrder).extracting(Grant::client).as("every client held the lock")
            .containsAll(IntStream.range(0, CLIENTS).boxed().toList());
    }

    private static EtcdProcess leader(EtcdCluster cluster) {
        return await().atMost(PROGRESS).ignoreExceptions().until(cluster::leader, (m) -> m != null);
    }

    /** One client: acquires the lock, increments the counter a few times, releases; again until the end. */
    private void work(int client, EtcdTemplate template) {
        EtcdLockOperations locks = template.opsForLocks();
        Random random = new Random(client);
        try {
            while (this.running.get()) {
                EtcdLock lock;
                try {
                    lock = locks.acquire(LOCK, OPTIONS);
                }
                catch (EtcdException | EtcdLockTimeoutException ex) {
                    // etcd out of reach (or the wait ran out): nothing is held, try again shortly
                    this.acquireFailures.incrementAndGet();
                    this.lastFailure.set(ex.toString());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    continue;
                }
                try {
                    long sequence = this.grantSequence.incrementAndGet();
                    // Recorded while held: no other holder can have been granted before this one's loss, so none
                    // was granted before this sequence was taken.
                    if (lock.isHeld()) {
                        this.grants.add(new Grant(sequence, lock.fencingToken(), client));
                    }
                    else {
                        this.grantsLostBeforeRecorded.incrementAndGet();
                    }
                    int increments = 1 + random.nextInt(5);
                    for (int i = 0; i < increments && this.running.get() && increment(client, template, lock); i++) {
                        // the next increment, while the holding lasts
                    }
                }
                finally {
                    lock.release();
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

    /**
     * Reads the counter and writes it plus one.
     *
     * @return whether the holding goes on: {@code false} when the read failed, the lock was lost, or the write was
     *     acknowledged late or not at all
     */
    private boolean increment(int client, EtcdTemplate template, EtcdLock lock) {
        Counter seen;
        try {
            seen = Counter.parse(template.get(COUNTER));
        }
        catch (EtcdException ex) {
            this.readFailures.incrementAndGet();
            return false;
        }
        resolve(seen);
        if (lock.remaining().compareTo(WRITE_BOUND) < 0) {
            // Too little time left for the write to be acknowledged in time: end the holding without writing.
            return false;
        }
        String nonce = client + "-" + this.writeNonces.incrementAndGet();
        try {
            template.set(COUNTER, (seen.count() + 1) + " " + nonce);
        }
        catch (EtcdException ex) {
            if (ex.isOutcomeUnknown()) {
                this.uncertain.add(nonce);
            }
            else {
                this.refusedWrites.incrementAndGet();
            }
            return false;
        }
        if (lock.isHeld()) {
            this.completed.incrementAndGet();
            return true;
        }
        // Applied, but perhaps after the deadline, when another holder may already have read the counter.
        this.uncertain.add(nonce);
        return false;
    }

    /** A write of uncertain outcome that a read finds is applied: the holder that wrote it ended its holding. */
    private void resolve(Counter seen) {
        if (this.uncertain.contains(seen.nonce())) {
            this.uncertainApplied.add(seen.nonce());
        }
    }
}
