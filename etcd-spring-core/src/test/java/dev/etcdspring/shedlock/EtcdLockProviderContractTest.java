// One job: ShedLock's own provider contract (its abstract integration tests, reproduced) on both APIs.
package dev.etcdspring.shedlock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * ShedLock's contract for a lock provider, against a real etcd on both APIs: the tests of ShedLock's
 * {@code AbstractLockProviderIntegrationTest} and {@code AbstractExtensibleLockProviderIntegrationTest}, which
 * {@code shedlock-test-support} carries but no longer publishes (its last release is 6.6.1, for ShedLock 6), one
 * for one and under their names. As ShedLock's own etcd test does, times are whole seconds (etcd's unit), and
 * where the original sleeps for an expiry these await it within bounds, checking that it came neither before its
 * time nor long after. The fuzz test is smaller, and its locks have no {@code lockAtLeastFor}: each would hold its
 * key for a whole second.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdLockProviderContractTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    /** ShedLock's {@code LOCK_AT_LEAST_FOR}. */
    private static final Duration LOCK_AT_LEAST_FOR = ofSeconds(2);

    /** How much later than asked etcd may expire a key: rounding up, v3's 2 s minimum, the expiry loop. */
    private static final Duration EXPIRY_SLACK = ofSeconds(4);

    private final EtcdApi api;

    private final String name = "contract-" + UUID.randomUUID();

    private EtcdTemplate template;

    private EtcdLockProvider provider;

    private KeyProbe probe;

    EtcdLockProviderContractTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void provider() {
        this.template = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.provider = new EtcdLockProvider(this.template);
        this.probe = new KeyProbe(this.template);
    }

    @AfterEach
    void close() {
        this.template.close();
    }

    // AbstractLockProviderIntegrationTest

    @Test
    void shouldCreateLock() {
        Optional<SimpleLock> lock = this.provider.lock(config(this.name));
        assertThat(lock).isNotEmpty();
        assertLocked(this.name);
        lock.get().unlock();
        assertUnlocked(this.name);
    }

    @Test
    void shouldNotReturnSecondLock() {
        Optional<SimpleLock> lock = this.provider.lock(config(this.name));
        assertThat(lock).isNotEmpty();
        assertThat(this.provider.lock(config(this.name))).isEmpty();
        lock.get().unlock();
    }

    @Test
    void shouldCreateTwoIndependentLocks() {
        Optional<SimpleLock> lock1 = this.provider.lock(config(this.name));
        assertThat(lock1).isNotEmpty();
        Optional<SimpleLock> lock2 = this.provider.lock(config(this.name + "-2"));
        assertThat(lock2).isNotEmpty();
        lock1.get().unlock();
        assertUnlocked(this.name);
        assertLocked(this.name + "-2");
        lock2.get().unlock();
        assertUnlocked(this.name + "-2");
    }

    @Test
    void shouldLockTwiceInARow() {
        Optional<SimpleLock> lock1 = this.provider.lock(config(this.name));
        assertThat(lock1).isNotEmpty();
        lock1.get().unlock();
        Optional<SimpleLock> lock2 = this.provider.lock(config(this.name));
        assertThat(lock2).isNotEmpty();
        lock2.get().unlock();
    }

    @Test
    void shouldTimeout() {
        LockConfiguration shortOne = config(this.name, ofSeconds(1), ZERO);
        assertThat(this.provider.lock(shortOne)).isNotEmpty();
        SimpleLock next = awaitLock(this.name, shortOne.getLockAtMostUntil(), shortOne.getLockAtMostUntil());
        assertLocked(this.name);
        next.unlock();
        assertUnlocked(this.name);
    }

    @Test
    void shouldBeAbleToLockRightAfterUnlock() {
        LockConfiguration configuration = config(this.name);
        for (int i = 0; i < 10; i++) {
            Optional<SimpleLock> lock = this.provider.lock(configuration);
            assertThat(lock).describedAs("Successfully locked " + i).isNotEmpty();
            assertThat(this.provider.lock(configuration)).isEmpty();
            lock.get().unlock();
        }
    }

    @Test
    void fuzzTestShouldPass() throws Exception {
        // ShedLock's FuzzTester, smaller: threads share two unsynchronized counters, each guarded by one lock; a
        // run that another thread's run overlapped would lose an increment.
        int threads = 4;
        int iterations = 25;
        AtomicIntegerArray counters = new AtomicIntegerArray(2);
        LockingTaskExecutor executor = new DefaultLockingTaskExecutor(this.provider);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int job = t % 2;
                tasks.add(() -> {
                    int done = 0;
                    while (done < iterations) {
                        boolean[] ran = new boolean[1];
                        executor.executeWithLock((Runnable) () -> {
                            // A read, a millisecond of work, a write: not atomic but for the lock.
                            int n = counters.get(job);
                            work();
                            counters.set(job, n + 1);
                            ran[0] = true;
                        }, config(this.name + "-fuzz-" + job, ofMinutes(5), ZERO));
                        done += ran[0] ? 1 : 0;
                    }
                    return null;
                });
            }
            for (Future<Void> future : pool.invokeAll(tasks)) {
                future.get();
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(counters.get(0)).isEqualTo(threads / 2 * iterations);
        assertThat(counters.get(1)).isEqualTo(threads / 2 * iterations);
        assertUnlocked(this.name + "-fuzz-0");
        assertUnlocked(this.name + "-fuzz-1");
    }

    @Test
    void shouldLockAtLeastFor() {
        LockConfiguration configuration = config(this.name, LOCK_AT_LEAST_FOR.multipliedBy(5), LOCK_AT_LEAST_FOR);
        Optional<SimpleLock> lock1 = this.provider.lock(configuration);
        assertThat(lock1).describedAs("Should be locked").isNotEmpty();
        lock1.get().unlock();
        // Even though we have unlocked the lock, it will be held for some time
        assertThat(this.provider.lock(config(this.name))).describedAs("Can not acquire lock, grace period did not pass yet")
            .isEmpty();
        assertLocked(this.name);
        // Free once lockAtLeastFor has passed, and well before lockAtMostFor: the unlock shortened it.
        SimpleLock lock3 = awaitLock(this.name, configuration.getLockAtLeastUntil(),
                configuration.getLockAtLeastUntil());
        assertThat(ClockProvider.now()).isBefore(configuration.getLockAtMostUntil());
        lock3.unlock();
    }

    // AbstractExtensibleLockProviderIntegrationTest

    @Test
    void shouldBeAbleToExtendLock() {
        SimpleLock lock = lock(ofSeconds(2));
        long token = this.probe.read(key(this.name)).token();
        SimpleLock newLock = extendLock(lock, ZERO);
        // The original lock would have expired by now; the extended one holds the same key.
        await().during(ofSeconds(2).plus(EXPIRY_SLACK.dividedBy(2))).atMost(ofSeconds(8))
            .until(() -> this.probe.exists(key(this.name)));
        assertThat(this.probe.read(key(this.name)).token()).isEqualTo(token);
        newLock.unlock();
        assertUnlocked(this.name);
    }

    @Test
    void shouldBeAbleToExtendMultipleTimes() {
        SimpleLock lock = lock(ofSeconds(2));
        SimpleLock newLock = extendLock(extendLock(extendLock(lock, ZERO), ZERO), ZERO);
        // Each extension gave the key lockAtMostFor = 10 s from then.
        assertThat(this.probe.read(key(this.name)).ttl()).isGreaterThan(ofSeconds(8))
            .isLessThanOrEqualTo(ofSeconds(10));
        if (this.api == EtcdApi.V3) {
            assertThat(this.probe.read(key(this.name)).ttl()).isEqualTo(ofSeconds(10));
        }
        assertLocked(this.name);
        newLock.unlock();
        assertUnlocked(this.name);
    }

    @Test
    void shouldNotBeAbleToExtendUnlockedLock() {
        SimpleLock lock = lock(ofSeconds(2));
        lock.unlock();
        assertUnlocked(this.name);
        assertThatIllegalStateException().isThrownBy(() -> lock.extend(ofSeconds(10), ZERO));
    }

    @Test
    void shouldNotBeAbleToExtendExpiredLock() {
        LockConfiguration configuration = config(this.name, ofMillis(2), ZERO);
        Optional<SimpleLock> lock = this.provider.lock(configuration);
        assertThat(lock).isNotEmpty();
        // etcd keeps the key for whole seconds; ShedLock's lockAtMostFor has passed all the same.
        await().atMost(ofSeconds(1)).until(() -> ClockProvider.now().isAfter(configuration.getLockAtMostUntil()));
        Optional<SimpleLock> newLock = lock.get().extend(ofSeconds(10), ZERO);
        assertThat(newLock).isEmpty();
        assertUnlocked(this.name);
    }

    @Test
    void shouldBeAbleToExtendAtLeast() {
        SimpleLock lock = lock(ofSeconds(10));
        SimpleLock newLock = extendLock(lock, ofSeconds(9));
        newLock.unlock();
        assertLocked(this.name);
        assertThat(this.provider.lock(config(this.name))).isEmpty();
    }

    @Test
    void lockCanNotBeExtendedTwice() {
        SimpleLock lock = lock(ofSeconds(10));
        extendLock(lock, ofSeconds(9));
        assertThatIllegalStateException().isThrownBy(() -> lock.extend(ofSeconds(10), ofSeconds(9)));
    }

    @Test
    void lockCanNotBeUnlockedAfterExtending() {
        SimpleLock lock = lock(ofSeconds(10));
        extendLock(lock, ofSeconds(9));
        assertThatIllegalStateException().isThrownBy(lock::unlock);
        assertLocked(this.name);
    }

    /** The work of a fuzz test's task, as ShedLock's FuzzTester does it: long enough for another run to overlap. */
    private static void work() {
        try {
            Thread.sleep(1);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private SimpleLock extendLock(SimpleLock lock, Duration lockAtLeastFor) {
        Optional<SimpleLock> newLock = lock.extend(ofSeconds(10), lockAtLeastFor);
        assertThat(newLock).isNotEmpty();
        return newLock.get();
    }

    private SimpleLock lock(Duration lockAtMostFor) {
        Optional<SimpleLock> lock = this.provider.lock(config(this.name, lockAtMostFor, ZERO));
        assertThat(lock).isNotEmpty();
        assertLocked(this.name);
        return lock.get();
    }

    /** One attempt to take a lock: when it returned, and whether it took it. */
    private record Attempt(Instant returned, boolean taken) {
    }

    /**
     * Tries to take the lock until it is free, and checks when that was: no attempt that returned before
     * {@code notBefore} took it (and there was such an attempt), and one took it within {@link #EXPIRY_SLACK}
     * after {@code due}.
     */
    private SimpleLock awaitLock(String lockName, Instant notBefore, Instant due) {
        List<Attempt> attempts = new CopyOnWriteArrayList<>();
        Duration bound = Duration.between(ClockProvider.now(), due).plus(EXPIRY_SLACK);
        Optional<SimpleLock> lock = await().atMost(bound).pollInterval(ofMillis(100)).until(() -> {
            Optional<SimpleLock> attempt = this.provider.lock(config(lockName));
            attempts.add(new Attempt(ClockProvider.now(), attempt.isPresent()));
            return attempt;
        }, Optional::isPresent);
        List<Attempt> early = attempts.stream().filter((a) -> a.returned().isBefore(notBefore)).toList();
        assertThat(early).as("attempts before %s", notBefore).isNotEmpty().noneMatch(Attempt::taken);
        return lock.get();
    }

    private String key(String lockName) {
        return this.provider.key(lockName);
    }

    private void assertLocked(String lockName) {
        assertThat(this.probe.exists(key(lockName))).as("%s is locked", lockName).isTrue();
    }

    private void assertUnlocked(String lockName) {
        assertThat(this.probe.exists(key(lockName))).as("%s is unlocked", lockName).isFalse();
    }

    private static LockConfiguration config(String lockName) {
        return config(lockName, ofMinutes(5), ZERO);
    }

    private static LockConfiguration config(String lockName, Duration lockAtMostFor, Duration lockAtLeastFor) {
        return new LockConfiguration(ClockProvider.now(), lockName, lockAtMostFor, lockAtLeastFor);
    }
}
