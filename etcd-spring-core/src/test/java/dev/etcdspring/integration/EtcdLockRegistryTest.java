// One job: the lock registry's contract, Spring Integration's and etcd's, against a real etcd on both APIs.
package dev.etcdspring.integration;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.lock.LockHolder;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.integration.support.locks.DistributedLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link EtcdLockRegistry} against a real etcd, on both APIs, held to what Spring Integration's own registry tests
 * (RedisLockRegistryTests, JdbcLockRegistryTests) expect of a lock registry: the same lock per key, reentrant per
 * thread with one etcd key per holding, released at the last unlock; two registries (two templates, as two
 * applications) excluding each other; {@code tryLock} with and without a wait; a lock handed from thread to thread;
 * unlock by a thread that does not hold it refused; unlock of a lock lost while held (its key deleted in etcd)
 * a {@link ConcurrentModificationException}; {@code executeLocked}; an interrupted {@code lockInterruptibly} and a
 * timed-out {@code tryLock} leaving nothing in etcd; and what etcd adds: time to live, fencing token, renewLock as a
 * check.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdLockRegistryTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EtcdApi api;

    private EtcdTemplate one;

    private EtcdTemplate other;

    private EtcdLockRegistry registry;

    private EtcdLockRegistry otherRegistry;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    private String key;

    EtcdLockRegistryTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void registries(TestInfo test) {
        this.one = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.other = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.registry = new EtcdLockRegistry(this.one, "locks/", Duration.ofSeconds(5));
        this.otherRegistry = new EtcdLockRegistry(this.other, "locks/", Duration.ofSeconds(5));
        this.key = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void close() {
        this.threads.shutdownNow();
        this.one.close();
        this.other.close();
    }

    /** The keys in etcd of a lock's contenders (holder and waiters), as another client sees them. */
    private List<String> contenders(String key) {
        String name = "locks/" + key;
        try (EtcdTemplate reader = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build()) {
            if (this.api == EtcdApi.V3) {
                return reader.opsForKeyValue().getPrefix(name + "/").kvs().stream().map((kv) -> kv.key()).toList();
            }
            try {
                Map<String, Object> tree = reader.getTree(name);
                return (tree != null) ? List.copyOf(tree.keySet()) : List.of();
            }
            catch (EtcdKeyNotFoundException ex) {
                return List.of();
            }
        }
    }

    private LockHolder holder(String key) {
        return this.one.opsForLocks().holder("locks/" + key).orElse(null);
    }

    /** Deletes a key as another client would (etcdctl del). */
    private void deleteExternally(String etcdKey) {
        if (this.api == EtcdApi.V3) {
            assertThat(this.other.opsForKeyValue().delete(etcdKey).deleted()).isEqualTo(1);
        }
        else {
            this.other.delete(etcdKey);
        }
    }

    /** Locks in a thread of the pool, which keeps holding what it got. */
    private boolean tryLockInAnotherThread(Lock lock) throws Exception {
        return this.threads.submit(() -> lock.tryLock()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private <T> T in(ExecutorService pool, java.util.concurrent.Callable<T> task) throws Exception {
        return pool.submit(task).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void obtainGivesTheSameLockForAKeyAndAnotherForAnotherKey() {
        DistributedLock lock = this.registry.obtain(this.key);
        assertThat(this.registry.obtain(this.key)).isSameAs(lock);
        assertThat(this.registry.obtain(this.key + "-2")).isNotSameAs(lock);
        assertThat(this.otherRegistry.obtain(this.key)).as("another registry's").isNotSameAs(lock);
        assertThat(this.registry.obtain(this.key).etcdName()).isEqualTo("locks/" + this.key);
        assertThat(contenders(this.key)).as("obtaining locks nothing").isEmpty();
    }

    @Test
    void reentrantForTheHoldingThreadWithOneEtcdKeyReleasedAtTheLastUnlock() throws Exception {
        Lock lock = this.registry.obtain(this.key);
        lock.lock();
        LockHolder first = holder(this.key);
        assertThat(first).isNotNull();
        lock.lock();
        assertThat(lock.tryLock()).isTrue();
        assertThat(lock.tryLock(1, TimeUnit.SECONDS)).isTrue();
        assertThat(contenders(this.key)).as("one key for four holds").hasSize(1);
        assertThat(holder(this.key)).isEqualTo(first);
        for (int i = 0; i < 3; i++) {
            lock.unlock();
            assertThat(holder(this.key)).as("still held after %d of 4 unlocks", i + 1).isEqualTo(first);
        }
        assertThat(this.otherRegistry.obtain(this.key).tryLock()).as("the other registry, while held").isFalse();
        lock.unlock();
        assertThat(holder(this.key)).as("released at the last unlock").isNull();
        assertThat(contenders(this.key)).isEmpty();
        Lock others = this.otherRegistry.obtain(this.key);
        assertThat(others.tryLock()).as("the other registry, once released").isTrue();
        others.unlock();
    }

    @Test
    void twoRegistriesExcludeEachOtherAndTheWaiterGetsTheLockWhenItIsReleased() throws Exception {
        Lock mine = this.registry.obtain(this.key);
        Lock theirs = this.otherRegistry.obtain(this.key);
        mine.lock();
        CountDownLatch waiting = new CountDownLatch(1);
        Future<Long> acquired = this.threads.submit(() -> {
            waiting.countDown();
            theirs.lock();
            try {
                return ((EtcdDistributedLock) theirs).fencingToken();
            }
            finally {
                theirs.unlock();
            }
        });
        waiting.await();
        await().atMost(WAIT).until(() -> contenders(this.key).size() == 2);
        assertThat(acquired).as("waits while the other registry holds the lock").isNotDone();
        long myToken = ((EtcdDistributedLock) mine).fencingToken();
        mine.unlock();
        assertThat(acquired.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("a greater fencing token").isGreaterThan(myToken);
        await().atMost(WAIT).until(() -> contenders(this.key).isEmpty());
    }

    @Test
    void tryLockWithoutAndWithAWaitGivesUpWhileAnotherRegistryHoldsAndLeavesNothingInEtcd() throws Exception {
        Lock theirs = this.otherRegistry.obtain(this.key);
        assertThat(tryLockInAnotherThread(theirs)).isTrue();
        LockHolder holding = holder(this.key);
        Lock mine = this.registry.obtain(this.key);
        assertThat(mine.tryLock()).isFalse();
        long start = System.nanoTime();
        assertThat(mine.tryLock(700, TimeUnit.MILLISECONDS)).isFalse();
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waited).as("waited the whole time, not much longer").isBetween(650L, 5000L);
        assertThat(((EtcdDistributedLock) mine).tryLock(Duration.ofMillis(-5), null)).as("a negative wait").isFalse();
        assertThat(contenders(this.key)).as("only the holder's key").containsExactly(lastSegment(holding.key()));
        assertThat(holder(this.key)).isEqualTo(holding);
        assertThatIllegalStateException().as("the failed attempts hold nothing").isThrownBy(mine::unlock);
    }

    private String lastSegment(String etcdKey) {
        return (this.api == EtcdApi.V3) ? etcdKey : etcdKey.substring(etcdKey.lastIndexOf('/') + 1);
    }

    @Test
    void tryLockWithAWaitGetsALockReleasedMeanwhile() throws Exception {
        Lock theirs = this.otherRegistry.obtain(this.key);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holding = this.threads.submit(() -> {
            theirs.lock();
            held.countDown();
            release.await();
            theirs.unlock();
            return null;
        });
        held.await();
        Lock mine = this.registry.obtain(this.key);
        Future<Boolean> trying = this.threads.submit(() -> mine.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        await().atMost(WAIT).until(() -> contenders(this.key).size() == 2);
        release.countDown();
        holding.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(trying.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(contenders(this.key)).hasSize(1);
    }

    @Test
    void threadsOfOneRegistryExcludeEachOtherAndTheLockPassesFromThreadToThread() throws Exception {
        Lock lock = this.registry.obtain(this.key);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger tokens = new AtomicInteger();
        List<Future<Long>> workers = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(this.threads.submit(() -> {
                lock.lock();
                try {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    tokens.incrementAndGet();
                    return ((EtcdDistributedLock) lock).fencingToken();
                }
                finally {
                    inside.decrementAndGet();
                    lock.unlock();
                }
            }));
        }
        List<Long> seen = new java.util.ArrayList<>();
        for (Future<Long> worker : workers) {
            seen.add(worker.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertThat(most.get()).as("one thread at a time").isEqualTo(1);
        assertThat(seen).as("each holding its own etcd lock").doesNotHaveDuplicates().hasSize(4);
        assertThat(contenders(this.key)).isEmpty();
    }

    @Test
    void aThreadWaitingInTheJvmGetsTheLockTheHolderReleases() throws Exception {
        Lock lock = this.registry.obtain(this.key);
        lock.lock();
        Future<Boolean> other = this.threads.submit(() -> {
            boolean free = lock.tryLock();
            lock.lock();
            lock.unlock();
            return free;
        });
        await().atMost(WAIT).until(() -> ((java.util.concurrent.locks.ReentrantLock) field(lock)).hasQueuedThreads());
        assertThat(contenders(this.key)).as("the waiter waits here, not in etcd").hasSize(1);
        lock.unlock();
        assertThat(other.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("tryLock while held by another thread").isFalse();
        assertThat(contenders(this.key)).isEmpty();
    }

    private static Object field(Lock lock) throws Exception {
        java.lang.reflect.Field local = EtcdDistributedLock.class.getDeclaredField("local");
        local.setAccessible(true);
        return local.get(lock);
    }

    @Test
    void unlockByAThreadThatDoesNotHoldTheLockIsRefusedAndChangesNothing() throws Exception {
        Lock lock = this.registry.obtain(this.key);
        assertThatIllegalStateException().as("never locked").isThrownBy(lock::unlock)
            .withMessageContaining("does not hold");
        lock.lock();
        LockHolder held = holder(this.key);
        assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
            .isThrownBy(() -> this.threads.submit(() -> {
                lock.unlock();
                return null;
            }).get(WAIT.toSeconds(), TimeUnit.SECONDS))
            .withCauseInstanceOf(IllegalStateException.class);
        assertThat(holder(this.key)).as("still held").isEqualTo(held);
        assertThat(tryLockInAnotherThread(lock)).as("by this thread only").isFalse();
        lock.unlock();
        assertThat(holder(this.key)).isNull();
    }

    @Test
    void unlockOfALockWhoseKeyWasDeletedInEtcdIsAConcurrentModificationAndReleasesItHere() throws Exception {
        Lock lock = this.registry.obtain(this.key);
        lock.lock();
        lock.lock();
        deleteExternally(holder(this.key).key());
        lock.unlock();
        assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(lock::unlock)
            .withMessageContaining("lost while held")
            .withMessageContaining("integrity of data");
        assertThat(tryLockInAnotherThread(lock)).as("released here all the same").isTrue();
        assertThat(((EtcdDistributedLock) lock).isHeldByCurrentThread()).isFalse();
        assertThat(contenders(this.key)).as("the other thread's holding").hasSize(1);
    }

    @Test
    void unlockOfALockWhoseKeyWasDeletedLongAgoSaysSoToo() throws Exception {
        EtcdDistributedLock lock = this.registry.obtain(this.key);
        lock.lock();
        String etcdKey = holder(this.key).key();
        deleteExternally(etcdKey);
        // Whether the lock's watch has told it already or not: the unlock's read finds the key gone.
        assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(lock::unlock)
            .withMessageContaining(etcdKey);
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void executeLockedRunsTheTaskWhileHoldingTheLockAndReleasesIt() throws Exception {
        AtomicReference<LockHolder> during = new AtomicReference<>();
        AtomicBoolean otherCould = new AtomicBoolean(true);
        this.registry.executeLocked(this.key, () -> {
            during.set(holder(this.key));
            otherCould.set(this.otherRegistry.obtain(this.key).tryLock());
        });
        assertThat(during.get()).isNotNull();
        assertThat(otherCould).as("the other registry while the task ran").isFalse();
        assertThat(holder(this.key)).isNull();
        String result = this.registry.executeLocked(this.key, Duration.ofSeconds(2), () -> "done");
        assertThat(result).isEqualTo("done");
        assertThat(contenders(this.key)).isEmpty();
        Lock theirs = this.otherRegistry.obtain(this.key);
        assertThat(tryLockInAnotherThread(theirs)).isTrue();
        assertThatExceptionOfType(TimeoutException.class)
            .isThrownBy(() -> this.registry.executeLocked(this.key, Duration.ofMillis(300), () -> {
            }));
        assertThatExceptionOfType(IllegalStateException.class)
            .isThrownBy(() -> this.otherRegistry.executeLocked(this.key + "-free", () -> {
                throw new IllegalStateException("the task's own");
            }))
            .withMessage("the task's own");
        assertThat(contenders(this.key + "-free")).as("released after the task failed").isEmpty();
    }

    @Test
    void lockInterruptiblyInterruptedWhileWaitingThrowsAndLeavesNothingInEtcd() throws Exception {
        Lock theirs = this.otherRegistry.obtain(this.key);
        assertThat(tryLockInAnotherThread(theirs)).isTrue();
        Lock mine = this.registry.obtain(this.key);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Future<Throwable> waiting = this.threads.submit(() -> {
            waiter.set(Thread.currentThread());
            try {
                mine.lockInterruptibly();
                return null;
            }
            catch (InterruptedException ex) {
                return ex;
            }
        });
        await().atMost(WAIT).until(() -> contenders(this.key).size() == 2);
        waiter.get().interrupt();
        assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(contenders(this.key)).as("the waiter's key is gone").hasSize(1);
        assertThat(mine.tryLock()).as("nor is it held here").isFalse();
        Thread.currentThread().interrupt();
        assertThatExceptionOfType(InterruptedException.class).as("an interrupted thread does not even ask")
            .isThrownBy(mine::lockInterruptibly);
        assertThat(contenders(this.key)).hasSize(1);
    }

    @Test
    void lockIsNotInterruptibleButKeepsTheInterruptForTheCaller() throws Exception {
        Lock theirs = this.otherRegistry.obtain(this.key);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holding = this.threads.submit(() -> {
            theirs.lock();
            release.await();
            theirs.unlock();
            return null;
        });
        await().atMost(WAIT).until(() -> contenders(this.key).size() == 1);
        Lock mine = this.registry.obtain(this.key);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Future<Boolean> waiting = this.threads.submit(() -> {
            waiter.set(Thread.currentThread());
            mine.lock();
            try {
                return Thread.currentThread().isInterrupted();
            }
            finally {
                mine.unlock();
            }
        });
        await().atMost(WAIT).until(() -> contenders(this.key).size() == 2);
        waiter.get().interrupt();
        release.countDown();
        holding.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("interrupted, and locked all the same").isTrue();
        await().atMost(WAIT).until(() -> contenders(this.key).isEmpty());
    }

    @Test
    void anInterruptedThreadStillReleasesItsLockInEtcd() {
        Lock lock = this.registry.obtain(this.key);
        lock.lock();
        Thread.currentThread().interrupt();
        try {
            lock.unlock();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
        }
        finally {
            Thread.interrupted();
        }
        assertThat(holder(this.key)).as("released at once, not after its time to live").isNull();
    }

    @Test
    void aLockWithATimeToLiveOfItsOwnIsHeldWithIt() throws Exception {
        EtcdDistributedLock lock = this.registry.obtain(this.key);
        lock.lock(Duration.ofSeconds(30));
        String etcdKey = holder(this.key).key();
        assertThat(timeToLive(etcdKey)).isGreaterThan(Duration.ofSeconds(20)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        this.registry.renewLock(this.key, Duration.ofSeconds(30));
        assertThatExceptionOfType(UnsupportedOperationException.class)
            .isThrownBy(() -> this.registry.renewLock(this.key, Duration.ofSeconds(5)))
            .withMessageContaining("PT30S");
        lock.unlock();
        assertThat(lock.tryLock(Duration.ofSeconds(1), Duration.ofSeconds(3))).isTrue();
        assertThat(timeToLive(holder(this.key).key())).isLessThanOrEqualTo(Duration.ofSeconds(3));
        lock.unlock();
        assertThatIllegalArgumentException().isThrownBy(() -> lock.lock(Duration.ofMillis(1500)))
            .withMessageContaining("ttl");
        assertThatIllegalArgumentException().isThrownBy(() -> lock.tryLock(Duration.ZERO, Duration.ZERO))
            .withMessageContaining("ttl");
        assertThat(lock.isHeldByCurrentThread()).as("a refused time to live locks nothing").isFalse();
    }

    /** What etcd says is left of a holder's time to live. */
    private Duration timeToLive(String etcdKey) {
        if (this.api == EtcdApi.V3) {
            long lease = Long.parseLong(etcdKey.substring(etcdKey.lastIndexOf('/') + 1), 16);
            return this.other.opsForLeases().timeToLive(lease, false).ttl();
        }
        return Duration.ofSeconds(this.other.getResponse(etcdKey).node().ttl());
    }

    @Test
    void renewLockChecksThatTheCurrentThreadStillHoldsTheLockInEtcd() throws Exception {
        assertThatIllegalStateException().as("never obtained").isThrownBy(() -> this.registry.renewLock(this.key));
        Lock lock = this.registry.obtain(this.key);
        assertThatIllegalStateException().as("not locked").isThrownBy(() -> this.registry.renewLock(this.key));
        lock.lock();
        this.registry.renewLock(this.key);
        assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
            .isThrownBy(() -> in(this.threads, () -> {
                this.registry.renewLock(this.key);
                return null;
            }))
            .withCauseInstanceOf(IllegalStateException.class);
        deleteExternally(holder(this.key).key());
        assertThatIllegalStateException().as("lost").isThrownBy(() -> this.registry.renewLock(this.key))
            .withMessageContaining("is gone from etcd");
        assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(lock::unlock);
    }

    @Test
    void aLockThatEtcdDropsIsNoLongerHeldAndItsUnlockSaysSo() throws Exception {
        // The lease (v3) or time to live (v2) ends as etcd's own: deleted, then reported by the watch.
        EtcdDistributedLock lock = this.registry.obtain(this.key);
        lock.lock();
        deleteExternally(holder(this.key).key());
        await().atMost(WAIT).untilAsserted(() -> assertThatIllegalStateException()
            .isThrownBy(() -> this.registry.renewLock(this.key)));
        assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(lock::unlock);
    }

    @Test
    void conditionsAreNotSupported() {
        assertThatExceptionOfType(UnsupportedOperationException.class)
            .isThrownBy(() -> this.registry.obtain(this.key).newCondition());
    }

    @Test
    void etcdOutOfReachIsCannotAcquireLockAndLocksNothingHere() throws Exception {
        try (TcpProxy proxy = TcpProxy.to(etcd.endpoint());
                EtcdTemplate cut = EtcdTemplate.builder().endpoints(proxy.url()).api(this.api)
                    .timeout(Duration.ofSeconds(1)).build()) {
            EtcdLockRegistry unreachable = new EtcdLockRegistry(cut);
            proxy.cut();
            Lock lock = unreachable.obtain(this.key);
            assertThatExceptionOfType(CannotAcquireLockException.class).isThrownBy(lock::lock);
            assertThatExceptionOfType(CannotAcquireLockException.class).isThrownBy(lock::tryLock);
            assertThatExceptionOfType(CannotAcquireLockException.class).isThrownBy(lock::lockInterruptibly);
            assertThatIllegalStateException().isThrownBy(lock::unlock);
            proxy.restore();
            assertThat(lock.tryLock()).as("once etcd is back").isTrue();
            lock.unlock();
        }
    }

    @Test
    void unusedLocksExpireFromTheCacheAndAStaleOneIsRefusedOnceAFreshOneExists() throws Exception {
        EtcdDistributedLock held = this.registry.obtain(this.key + "-held");
        EtcdDistributedLock unused = this.registry.obtain(this.key);
        held.lock();
        this.registry.expireUnusedOlderThan(0);
        assertThat(this.registry.obtain(this.key + "-held")).as("a held lock stays").isSameAs(held);
        EtcdDistributedLock fresh = this.registry.obtain(this.key);
        assertThat(fresh).as("an unused one went").isNotSameAs(unused);
        assertThatIllegalStateException().isThrownBy(unused::lock).withMessageContaining("obtain a fresh one");
        assertThat(unused.isHeldByCurrentThread()).isFalse();
        held.unlock();
        this.registry.expireUnusedOlderThan(0);
        assertThat(held.tryLock()).as("dropped, and no fresh one obtained: it comes back").isTrue();
        assertThat(this.registry.obtain(this.key + "-held")).isSameAs(held);
        held.unlock();
        this.registry.setCacheCapacity(1);
        this.registry.obtain(this.key + "-a");
        this.registry.obtain(this.key + "-b");
        assertThat(this.registry.obtain(this.key + "-b")).isSameAs(this.registry.obtain(this.key + "-b"));
        assertThatIllegalArgumentException().isThrownBy(() -> this.registry.setCacheCapacity(0))
            .withMessageContaining("cacheCapacity");
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(42))
            .withMessageContaining("lockKey").withMessageContaining("java.lang.Integer");
        assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(""))
            .withMessageContaining("lockKey");
        assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain(null))
            .withMessageContaining("lockKey");
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockRegistry(null))
            .withMessageContaining("etcd");
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockRegistry(this.one, null, Duration.ofSeconds(5)))
            .withMessageContaining("prefix");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new EtcdLockRegistry(this.one, "locks/", Duration.ofMillis(500)))
            .withMessageContaining("ttl");
        assertThatIllegalArgumentException().isThrownBy(() -> this.registry.setRenewalTaskScheduler(null))
            .withMessageContaining("renewalTaskScheduler");
        EtcdLockRegistry defaults = new EtcdLockRegistry(this.one);
        assertThat(defaults.getPrefix()).isEqualTo("locks/");
        assertThat(defaults.getTtl()).isEqualTo(Duration.ofSeconds(15));
        assertThat(Map.of("registry", defaults.toString())).hasEntrySatisfying("registry",
                (text) -> assertThat(text).contains("locks/", "PT15S"));
    }

    @Test
    void theLockIsEtcdsSoEtcdsOwnLockOperationsSeeAndRespectIt() throws Exception {
        Lock lock = this.registry.obtain(this.key);
        lock.lock();
        assertThat(this.other.opsForLocks().tryAcquire("locks/" + this.key,
                dev.etcdspring.core.lock.LockOptions.defaults())).isEmpty();
        assertThat(holder(this.key).value()).as("who holds it").contains(Thread.currentThread().getName());
        lock.unlock();
        CompletableFuture<Boolean> got = CompletableFuture.supplyAsync(() -> {
            try (var held = this.other.opsForLocks().acquire("locks/" + this.key)) {
                return held.isHeld();
            }
            catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        }, this.threads);
        assertThat(got.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
}
