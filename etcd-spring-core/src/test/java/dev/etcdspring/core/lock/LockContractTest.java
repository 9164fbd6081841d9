package dev.etcdspring.core.lock;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.observation.EtcdObservationContext;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What a lock promises on either API, against a real etcd (3.4): the fencing token read from the holder's key,
 * fair queueing with each waiter watching only the one before it, waits that time out or are interrupted leaving
 * nothing behind, renewal beyond the time to live, loss (key deleted) reported at once, release idempotent, and
 * bad input refused before any request. The subclasses give the API and how to look at the keyspace directly.
 */
abstract class LockContractTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final List<EtcdTemplate> templates = new CopyOnWriteArrayList<>();

    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** The number of position reads per template, by the operation the API's queue reads with. */
    private final Map<EtcdTemplate, AtomicInteger> reads = new ConcurrentHashMap<>();

    EtcdTemplate etcdTemplate;

    String name;

    abstract EtcdApi api();

    /** The operation a waiter's look at the queue is observed as. */
    abstract String readOperation();

    /** The keys of a lock's queue, as etcd holds them, in creation order. */
    abstract List<String> queueKeys(String name);

    /** The create revision (v3) or created index (v2) of a key, read directly; 0 if absent. */
    abstract long createdAt(String key);

    /** Deletes a key behind the client's back. */
    abstract void deleteBehindItsBack(String key);

    @BeforeEach
    void setUp(TestInfo test) {
        this.etcdTemplate = template(etcd.endpoint());
        this.name = "locks/" + api().name().toLowerCase() + "/" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void tearDown() {
        this.threads.shutdownNow();
        this.templates.forEach(EtcdTemplate::close);
    }

    EtcdTemplate template(String endpoint) {
        AtomicInteger count = new AtomicInteger();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof EtcdObservationContext;
            }

            @Override
            public void onStart(Observation.Context context) {
                if (((EtcdObservationContext) context).getOperation().equals(readOperation())) {
                    count.incrementAndGet();
                }
            }
        });
        EtcdTemplate template = EtcdTemplate.builder().endpoints(endpoint).api(api()).observationRegistry(registry)
            .build();
        this.templates.add(template);
        this.reads.put(template, count);
        return template;
    }

    private static LockOptions ttl(int seconds) {
        return LockOptions.defaults().ttl(Duration.ofSeconds(seconds));
    }

    @Test
    void anUncontendedLockIsHeldWithItsKeysCreationAsFencingTokenAndReleasedByDeletingItsKey() throws Exception {
        EtcdLockOperations locks = this.etcdTemplate.opsForLocks();
        EtcdLock lock = locks.acquire(this.name, ttl(10).value("worker-1"));
        assertThat(lock.isHeld()).isTrue();
        assertThat(lock.name()).isEqualTo(this.name);
        assertThat(queueKeys(this.name)).containsExactly(lock.key());
        assertThat(lock.fencingToken()).as("the key's own creation").isEqualTo(createdAt(lock.key())).isPositive();
        assertThat(lock.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(locks.holder(this.name)).contains(new LockHolder(this.name, lock.key(), lock.fencingToken(),
                "worker-1"));
        lock.release();
        assertThat(lock.isHeld()).isFalse();
        assertThat(lock.remaining()).isZero();
        assertThat(queueKeys(this.name)).isEmpty();
        assertThat(locks.holder(this.name)).isEmpty();
        lock.release();
        lock.close();
        assertThat(queueKeys(this.name)).as("released twice, nothing else deleted").isEmpty();
    }

    @Test
    void everyNewHolderHasAGreaterFencingToken() throws Exception {
        long last = 0;
        for (int i = 0; i < 4; i++) {
            try (EtcdLock lock = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10))) {
                assertThat(lock.fencingToken()).isGreaterThan(last);
                last = lock.fencingToken();
                // Other writes between holders do not confuse the token with a header's revision.
                this.etcdTemplate.set("locks/noise/" + i, "x");
            }
        }
    }

    @Test
    void waitersAreServedInTheOrderTheyAskedAndOnlyTheNextOneLooksAgainWhenTheHolderLeaves() throws Exception {
        EtcdLock first = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10));
        List<EtcdTemplate> waiters = List.of(template(etcd.endpoint()), template(etcd.endpoint()),
                template(etcd.endpoint()));
        List<Future<EtcdLock>> acquired = new java.util.ArrayList<>();
        for (EtcdTemplate waiter : waiters) {
            int queued = queueKeys(this.name).size();
            acquired.add(this.threads.submit(() -> waiter.opsForLocks().acquire(this.name, ttl(10))));
            // The next one asks only once this one is in the queue, so the order is known.
            await().atMost(Duration.ofSeconds(10)).until(() -> queueKeys(this.name).size() == queued + 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> this.reads.get(waiter).get() >= 1);
        }
        List<Integer> readsBefore = waiters.stream().map((w) -> this.reads.get(w).get()).toList();
        first.release();
        EtcdLock second = acquired.get(0).get(10, TimeUnit.SECONDS);
        assertThat(second.isHeld()).isTrue();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(acquired.get(1)).isNotDone();
        assertThat(acquired.get(2)).isNotDone();
        assertThat(this.reads.get(waiters.get(1)).get()).as("no herd: the third waiter did not look again")
            .isEqualTo(readsBefore.get(1));
        assertThat(this.reads.get(waiters.get(2)).get()).isEqualTo(readsBefore.get(2));
        second.release();
        EtcdLock third = acquired.get(1).get(10, TimeUnit.SECONDS);
        assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
        assertThat(acquired.get(2)).isNotDone();
        third.release();
        EtcdLock fourth = acquired.get(2).get(10, TimeUnit.SECONDS);
        assertThat(fourth.fencingToken()).isGreaterThan(third.fencingToken());
        fourth.release();
        assertThat(queueKeys(this.name)).isEmpty();
    }

    @Test
    void aWaiterBetweenWhoseTurnAndItsPredecessorLeavesWaitsForTheOneBeforeItNotForTheHolder() throws Exception {
        EtcdLock holder = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10));
        EtcdTemplate middle = template(etcd.endpoint());
        EtcdTemplate last = template(etcd.endpoint());
        Future<EtcdLock> middleLock = this.threads.submit(() -> middle.opsForLocks()
            .acquire(this.name, ttl(10).waitAtMost(Duration.ofMillis(1500))));
        await().atMost(Duration.ofSeconds(10)).until(() -> queueKeys(this.name).size() == 2);
        Future<EtcdLock> lastLock = this.threads.submit(() -> last.opsForLocks().acquire(this.name, ttl(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> queueKeys(this.name).size() == 3);
        // The middle waiter gives up: the last one looks again, finds the holder before it, and waits on.
        assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
            .isThrownBy(() -> middleLock.get(10, TimeUnit.SECONDS))
            .withCauseInstanceOf(EtcdLockTimeoutException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> queueKeys(this.name).size() == 2);
        assertThat(lastLock).isNotDone();
        assertThat(holder.isHeld()).isTrue();
        holder.release();
        assertThat(lastLock.get(10, TimeUnit.SECONDS).isHeld()).isTrue();
    }

    @Test
    void aWaitThatRunsOutThrowsAndLeavesNothingBehind() throws Exception {
        EtcdLock holder = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10));
        EtcdTemplate other = template(etcd.endpoint());
        assertThatExceptionOfType(EtcdLockTimeoutException.class)
            .isThrownBy(() -> other.opsForLocks().acquire(this.name, ttl(10).waitAtMost(Duration.ofMillis(300))))
            .satisfies((ex) -> {
                assertThat(ex.getName()).isEqualTo(this.name);
                assertThat(ex.getWaited()).isEqualTo(Duration.ofMillis(300));
                assertThat(ex).hasMessageContaining(this.name).hasMessageContaining("nothing is left");
            });
        assertThat(queueKeys(this.name)).containsExactly(holder.key());
        assertThat(holder.isHeld()).isTrue();
    }

    @Test
    void anInterruptedWaitThrowsInterruptedExceptionAndLeavesNothingBehind() throws Exception {
        EtcdLock holder = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10));
        EtcdTemplate other = template(etcd.endpoint());
        AtomicReference<Thread> waiting = new AtomicReference<>();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        this.threads.execute(() -> {
            waiting.set(Thread.currentThread());
            try {
                other.opsForLocks().acquire(this.name, ttl(10));
                outcome.complete(null);
            }
            catch (Throwable ex) {
                outcome.complete(ex);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> queueKeys(this.name).size() == 2);
        waiting.get().interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(queueKeys(this.name)).containsExactly(holder.key());
    }

    @Test
    void tryAcquireReturnsAtOnceEmptyWhileAnotherHoldsItAndLeavesNothingBehind() throws Exception {
        EtcdTemplate other = template(etcd.endpoint());
        Optional<EtcdLock> free = other.opsForLocks().tryAcquire(this.name, ttl(10));
        assertThat(free).hasValueSatisfying((lock) -> assertThat(lock.isHeld()).isTrue());
        Optional<EtcdLock> taken = this.etcdTemplate.opsForLocks().tryAcquire(this.name, ttl(10));
        assertThat(taken).isEmpty();
        assertThat(queueKeys(this.name)).containsExactly(free.get().key());
        free.get().release();
        assertThat(this.etcdTemplate.opsForLocks().tryAcquire(this.name, ttl(10))).isPresent();
    }

    @Test
    void aHeldLockIsRenewedBeyondItsTimeToLive() throws Exception {
        EtcdLock lock = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(2));
        EtcdTemplate other = template(etcd.endpoint());
        // Three times the time to live: only renewals keep the key.
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(lock.isHeld()).isTrue();
            assertThat(other.opsForLocks().tryAcquire(this.name, ttl(2))).isEmpty();
            return System.nanoTime() - until > 0;
        });
        assertThat(createdAt(lock.key())).isEqualTo(lock.fencingToken());
        lock.release();
    }

    /**
     * A renewal whose request is lost on the way (a blackholed link, as a refresh forwarded to a leader that just
     * died is) fails after its own timeout and is tried again before the safe deadline: the lock is still held once
     * the link is back.
     */
    @Test
    void aRenewalLostOnTheWayIsTriedAgainBeforeTheSafeDeadline() throws Exception {
        Duration ttl = Duration.ofSeconds(4);
        try (TcpProxy link = TcpProxy.to(etcd.endpoint())) {
            EtcdLock lock = template(link.url()).opsForLocks().acquire(this.name, ttl(4));
            List<LockLoss> heard = new CopyOnWriteArrayList<>();
            lock.addListener((l, reason, cause) -> heard.add(reason));
            // Just renewed: the next renewal is due a third of the time to live from now, in the blackout.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> lock.remaining().compareTo(ttl.minusMillis(200)) > 0);
            link.stall();
            long stalledAt = System.nanoTime();
            // The blackout: longer than a third of the time to live, shorter than the time left.
            Thread.sleep(1800);
            link.restore();
            long restoredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt);
            // Renewed after the blackout: only an acknowledged renewal puts more than this ahead again.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> lock.remaining().compareTo(ttl.minusSeconds(1)) > 0 || !lock.isHeld());
            assertThat(heard).as("restored after %d ms", restoredAfter).isEmpty();
            assertThat(lock.isHeld()).isTrue();
            assertThat(queueKeys(this.name)).containsExactly(lock.key());
            lock.release();
        }
    }

    @Test
    void aLockWhoseKeyIsDeletedIsNoLongerHeldAndItsListenerHearsOnce() throws Exception {
        EtcdLock lock = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10));
        List<LockLoss> heard = new CopyOnWriteArrayList<>();
        lock.addListener((l, reason, cause) -> heard.add(reason));
        deleteBehindItsBack(lock.key());
        await().atMost(Duration.ofSeconds(5)).until(() -> !lock.isHeld());
        await().atMost(Duration.ofSeconds(5)).until(() -> !heard.isEmpty());
        assertThat(heard).containsExactly(LockLoss.DELETED);
        // A listener added afterwards hears at once; release does not throw.
        List<LockLoss> late = new CopyOnWriteArrayList<>();
        lock.addListener((l, reason, cause) -> late.add(reason));
        assertThat(late).containsExactly(LockLoss.DELETED);
        lock.release();
        assertThat(heard).hasSize(1);
        assertThat(this.etcdTemplate.opsForLocks().tryAcquire(this.name, ttl(10))).isPresent();
    }

    @Test
    void aReleasedLockTellsNoListener() throws Exception {
        EtcdLock lock = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10));
        List<LockLoss> heard = new CopyOnWriteArrayList<>();
        lock.addListener((l, reason, cause) -> heard.add(reason));
        lock.release();
        // The next holder's key and deletion are other keys: nothing reaches the released lock.
        this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10)).release();
        assertThat(heard).isEmpty();
    }

    @Test
    void closingTheTemplateReleasesItsLocks() throws Exception {
        EtcdTemplate closing = template(etcd.endpoint());
        EtcdLock lock = closing.opsForLocks().acquire(this.name, ttl(30));
        closing.close();
        assertThat(lock.isHeld()).isFalse();
        assertThat(queueKeys(this.name)).isEmpty();
        assertThat(this.etcdTemplate.opsForLocks().tryAcquire(this.name, ttl(10))).isPresent();
    }

    @Test
    void closingTheTemplateEndsItsWaitsWithAnExceptionAndLeavesNothingBehind() throws Exception {
        EtcdLock holder = this.etcdTemplate.opsForLocks().acquire(this.name, ttl(10));
        EtcdTemplate closing = template(etcd.endpoint());
        Future<EtcdLock> waiting = this.threads.submit(() -> closing.opsForLocks().acquire(this.name, ttl(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> queueKeys(this.name).size() == 2);
        closing.close();
        assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
            .isThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
            .withCauseInstanceOf(IllegalStateException.class)
            .withMessageContaining("closed");
        assertThat(queueKeys(this.name)).containsExactly(holder.key());
    }

    @Test
    void anAlreadyInterruptedThreadSendsNothingAndKeepsItsInterrupt() throws Exception {
        try (TcpProxy proxy = TcpProxy.to(etcd.endpoint())) {
            EtcdLockOperations locks = template(proxy.url()).opsForLocks();
            CompletableFuture<Throwable> acquire = new CompletableFuture<>();
            CompletableFuture<Boolean> tryAcquire = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    locks.acquire(this.name, ttl(10));
                    acquire.complete(null);
                }
                catch (Throwable ex) {
                    acquire.complete(ex);
                }
                Thread.currentThread().interrupt();
                tryAcquire.complete(locks.tryAcquire(this.name, ttl(10)).isEmpty() && Thread.currentThread().isInterrupted());
            });
            thread.start();
            assertThat(acquire.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class)
                .hasMessageContaining("nothing was sent");
            assertThat(tryAcquire.get(10, TimeUnit.SECONDS)).as("empty, the interrupt kept").isTrue();
            assertThat(proxy.connections()).as("nothing was sent").isZero();
            assertThat(queueKeys(this.name)).isEmpty();
        }
    }

    @Test
    void badNamesAndOptionsAreRefusedBeforeAnyRequest() {
        try (TcpProxy proxy = TcpProxy.to(etcd.endpoint())) {
            EtcdLockOperations locks = template(proxy.url()).opsForLocks();
            assertThatIllegalArgumentException().isThrownBy(() -> locks.acquire(null, ttl(5)))
                .withMessageContaining("name");
            assertThatIllegalArgumentException().isThrownBy(() -> locks.acquire("", ttl(5)))
                .withMessageContaining("name");
            assertThatIllegalArgumentException().isThrownBy(() -> locks.tryAcquire(this.name, null))
                .withMessageContaining("options");
            assertThatIllegalArgumentException().isThrownBy(() -> LockOptions.defaults().ttl(Duration.ofMillis(1500)))
                .withMessageContaining("whole number of seconds");
            assertThatIllegalArgumentException().isThrownBy(() -> LockOptions.defaults().ttl(Duration.ZERO));
            assertThatIllegalArgumentException().isThrownBy(() -> LockOptions.defaults().waitAtMost(Duration.ofSeconds(-1)))
                .withMessageContaining("waitAtMost");
            assertThatIllegalArgumentException().isThrownBy(() -> LockOptions.defaults().value(null));
            assertThatIllegalArgumentException().isThrownBy(() -> LockOptions.defaults().timeout(Duration.ZERO));
            assertThat(proxy.connections()).as("nothing was sent").isZero();
        }
    }

    @Test
    void waitsHoldsAndLossesAreMeteredByOutcome() throws Exception {
        io.micrometer.core.instrument.MeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig()
            .observationHandler(new io.micrometer.core.instrument.observation.DefaultMeterObservationHandler(meters));
        EtcdTemplate metered = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(api()).observationRegistry(registry)
            .build();
        this.templates.add(metered);
        EtcdLock held = metered.opsForLocks().acquire(this.name, ttl(10));
        assertThat(count(meters, "lock-acquire", "SUCCESS")).isEqualTo(1);
        assertThat(meters.find("etcd.client.requests.active").tag("etcd.operation", "lock-hold").longTaskTimer()
            .activeTasks()).as("held now").isEqualTo(1);
        assertThatExceptionOfType(EtcdLockTimeoutException.class).isThrownBy(
                () -> metered.opsForLocks().acquire(this.name, ttl(10).waitAtMost(Duration.ofMillis(200))));
        assertThat(count(meters, "lock-acquire", "TIMEOUT")).isEqualTo(1);
        held.release();
        assertThat(count(meters, "lock-hold", "SUCCESS")).isEqualTo(1);
        EtcdLock lost = metered.opsForLocks().acquire(this.name, ttl(2));
        // Renewals are timed too: the renewal latency.
        await().atMost(Duration.ofSeconds(5)).until(() -> count(meters, renewalOperation(), "SUCCESS") >= 1);
        deleteBehindItsBack(lost.key());
        await().atMost(Duration.ofSeconds(5)).until(() -> count(meters, "lock-hold", "LOST") == 1);
        assertThat(lost.isHeld()).isFalse();
    }

    /** The operation a renewal is observed as. */
    String renewalOperation() {
        return (api() == EtcdApi.V3) ? "keep-alive" : "refresh";
    }

    private static long count(io.micrometer.core.instrument.MeterRegistry meters, String operation, String outcome) {
        io.micrometer.core.instrument.Timer timer = meters.find("etcd.client.requests")
            .tag("etcd.operation", operation)
            .tag("outcome", outcome)
            .timer();
        return (timer != null) ? timer.count() : 0;
    }
}
