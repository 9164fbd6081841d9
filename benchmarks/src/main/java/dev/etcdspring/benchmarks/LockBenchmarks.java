package dev.etcdspring.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.etcdspring.benchmarks.Scenario.Column;
import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.lock.EtcdLock;
import dev.etcdspring.core.lock.EtcdLockOperations;
import dev.etcdspring.core.lock.LockOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.stub.StreamObserver;

/**
 * Locks ({@code EtcdTemplate.opsForLocks()}) on both APIs beside jetcd's {@code Lock} (etcd's lock service, blocking
 * on its futures), in the rounds of {@link EtcdBenchmarks}:
 *
 * <ul>
 * <li>an uncontended acquire and release, each thread on a lock name of its own, at 1 and 4 threads. Ours: {@code
 * acquire(name, ttl 10 s)}, then {@code release()} (v3: grant a lease and keep it alive, create the key in a
 * transaction that reads it back, read the position in a second transaction, watch the own key; release: revoke the
 * lease; v2: an in-order key with a time to live, a sorted read of the directory, a watch; release: delete the key).
 * jetcd, as its {@code Lock} must be used for a lock that dies with its holder: a lease of 10 s granted for each
 * lock, {@code lock(name, lease)}, {@code unlock(key)}, the lease revoked; and, beside it, with one lease per thread
 * granted once and kept alive by jetcd ({@code lock} and {@code unlock} only);</li>
 * <li>the hand-over of one lock among {@value #CONTENDERS} contenders, each a thread with its own client (its own
 * template, its own jetcd client): the time from the holder's call to {@code release()} ({@code unlock} for jetcd)
 * to the next holder's {@code acquire} returning, over every hand-over while all {@value #CONTENDERS} were in the
 * queue. The holder releases as soon as it holds, then queues again.</li>
 * </ul>
 *
 * Every acquire and release is timed apart as well (the parts of a request, {@link Scenario#timedPart}). The
 * scenarios' names start with {@code lock }: {@code -Dbench.only=lock} runs only these.
 */
final class LockBenchmarks {

    /** The start of every scenario's name here. */
    static final String NAME = "lock ";

    /** The lock's time to live; jetcd's lease gets the same. */
    static final Duration TTL = Duration.ofSeconds(10);

    /** How many contenders share the lock of the hand-over. */
    static final int CONTENDERS = 8;

    /** Long enough never to be reached unless a client hangs, short enough to fail the run then. */
    private static final Duration WAIT_AT_MOST = Duration.ofSeconds(30);

    private static final LockOptions OPTIONS = LockOptions.defaults().ttl(TTL).waitAtMost(WAIT_AT_MOST);

    static final String ACQUIRE = "acquire";

    static final String RELEASE = "release";

    private LockBenchmarks() {
    }

    static boolean isLock(Scenario s) {
        return s.name.startsWith(NAME);
    }

    static boolean isHandOver(Scenario s) {
        return s.name.startsWith(NAME + "hand-over");
    }

    /**
     * The scenarios: uncontended at 1 and 4 threads, the hand-over among {@value #CONTENDERS}.
     *
     * @param clients the clients by API and column, as {@link EtcdBenchmarks} opened them: a {@link Client}, or the
     * reason there is none
     * @param endpoint etcd's endpoint, for the hand-over's clients (one a contender, made at their first turn)
     * @param closeables where the clients made here go, to be closed at the end
     */
    static List<Scenario> scenarios(Runner runner, Map<EtcdApi, Map<Column, Object>> clients, String endpoint,
            List<AutoCloseable> closeables) {
        Object ours = clients.get(EtcdApi.V3).get(Column.OURS);
        Object oursV2 = clients.get(EtcdApi.V2).get(Column.OURS);
        Object jetcd = clients.get(EtcdApi.V3).get(Column.JETCD);
        List<Scenario> scenarios = new ArrayList<>();
        for (int threads : new int[] { 1, 4 }) {
            Scenario s = new Scenario(String.format(Locale.ROOT, "%suncontended acquire and release, %d thread%s%s",
                    NAME, threads, (threads == 1) ? "" : "s", (threads == 1) ? "" : " (a lock name each)"), threads);
            timed(s, Column.OURS, ours, TemplateClient.class, runner,
                    (c) -> cycle("bench/lock/v3-" + threads + "-", new OursContender(c.template().opsForLocks())));
            timed(s, Column.OURS_V2, oursV2, TemplateClient.class, runner,
                    (c) -> cycle("/bench/lock/v2-" + threads + "-", new OursContender(c.template().opsForLocks())));
            timed(s, Column.JETCD, jetcd, JetcdClient.class, runner,
                    (c) -> cycle("bench/lock/jetcd-" + threads + "-", jetcdLeasePerLock(c)));
            timed(s, Column.JETCD_SHARED_LEASE, jetcd, JetcdClient.class, runner,
                    (c) -> cycle("bench/lock/jetcd-shared-" + threads + "-", jetcdSharedLease(c, closeables)));
            scenarios.add(s);
        }
        Scenario handOver = new Scenario(String.format(Locale.ROOT, "%shand-over among %d contenders (%d threads, a "
                + "client each)", NAME, CONTENDERS, CONTENDERS), CONTENDERS);
        handOver(handOver, Column.OURS, ours, () -> {
            List<Named> contenders = new ArrayList<>();
            for (int i = 0; i < CONTENDERS; i++) {
                TemplateClient c = new TemplateClient(endpoint, EtcdApi.V3);
                closeables.add(c);
                contenders.add(new Named("bench/lock/hand-over-v3", new OursContender(c.template().opsForLocks())));
            }
            return contenders;
        });
        handOver(handOver, Column.OURS_V2, oursV2, () -> {
            List<Named> contenders = new ArrayList<>();
            for (int i = 0; i < CONTENDERS; i++) {
                TemplateClient c = new TemplateClient(endpoint, EtcdApi.V2);
                closeables.add(c);
                contenders.add(new Named("/bench/lock/hand-over-v2", new OursContender(c.template().opsForLocks())));
            }
            return contenders;
        });
        handOver(handOver, Column.JETCD, jetcd, () -> {
            List<Named> contenders = new ArrayList<>();
            for (int i = 0; i < CONTENDERS; i++) {
                JetcdClient c = new JetcdClient(endpoint);
                closeables.add(c);
                contenders.add(new Named("bench/lock/hand-over-jetcd", jetcdLeasePerLock(c)));
            }
            return contenders;
        });
        scenarios.add(handOver);
        return scenarios;
    }

    // The uncontended cycle

    /** Adds a timed load and its parts, or the client's failure to start. */
    private static <C> void timed(Scenario s, Column column, Object client, Class<C> type, Runner runner,
            Function<C, Cycle> cycle) {
        if (type.isInstance(client)) {
            Cycle c = cycle.apply(type.cast(client));
            s.with(column, (threads, duration) -> {
                Parts parts = c.parts();
                parts.begin();
                Runner.Timing timing = runner.measureTimed(c, threads, duration);
                s.timed(column, timing.nanos());
                s.timedPart(column, ACQUIRE, parts.acquire.get().values());
                s.timedPart(column, RELEASE, parts.release.get().values());
                return timing.rate();
            });
        }
        else {
            s.with(column, (threads, duration) -> Double.NaN).note(column, String.valueOf(client));
        }
    }

    /** One acquire and release, which times its two parts into {@link #parts()}. */
    private interface Cycle extends Runner.Op {

        Parts parts();
    }

    /** A cycle of a thread's own lock, from its two parts. */
    private static Cycle cycle(String namePrefix, Contender contender) {
        ThreadLocal<String> names = ThreadLocal.withInitial(() -> namePrefix + Thread.currentThread().getName());
        Parts parts = new Parts();
        return new Cycle() {

            @Override
            public Parts parts() {
                return parts;
            }

            @Override
            public void run() throws Exception {
                String name = names.get();
                long start = System.nanoTime();
                Object held = contender.acquire(name);
                long acquired = System.nanoTime();
                contender.release(held);
                long released = System.nanoTime();
                parts.acquire.get().add(acquired - start);
                parts.release.get().add(released - acquired);
            }
        };
    }

    /**
     * jetcd as its {@code Lock} must be used for a lock that dies with its holder: a lease of its own for each lock,
     * granted before it queues, revoked after the unlock.
     */
    private static Contender jetcdLeasePerLock(JetcdClient c) {
        Lock lock = c.client().getLockClient();
        Lease lease = c.client().getLeaseClient();
        return new Contender() {

            @Override
            public Object acquire(String name) throws Exception {
                long id = lease.grant(TTL.toSeconds()).get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS).getID();
                ByteSequence key = lock.lock(bytes(name), id).get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS).getKey();
                check(key, name);
                return new JetcdHeld(key, id);
            }

            @Override
            public void release(Object held) throws Exception {
                JetcdHeld h = (JetcdHeld) held;
                lock.unlock(h.key()).get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS);
                lease.revoke(h.lease()).get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS);
            }
        };
    }

    /**
     * jetcd with one lease per thread, granted at the thread's first lock and kept alive by jetcd
     * ({@code Lease.keepAlive}) until the run ends: a lock is then a {@code lock} and an {@code unlock}.
     */
    private static Contender jetcdSharedLease(JetcdClient c, List<AutoCloseable> closeables) {
        Lock lock = c.client().getLockClient();
        Lease lease = c.client().getLeaseClient();
        ThreadLocal<Long> leases = ThreadLocal.withInitial(() -> {
            try {
                long id = lease.grant(TTL.toSeconds()).get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS).getID();
                AutoCloseable keepAlive = lease.keepAlive(id, new StreamObserver<LeaseKeepAliveResponse>() {

                    @Override
                    public void onNext(LeaseKeepAliveResponse value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                })::close;
                // Granted on the runner's threads, several at once.
                synchronized (closeables) {
                    closeables.add(keepAlive);
                }
                return id;
            }
            catch (Exception ex) {
                throw new IllegalStateException("jetcd's lease grant failed: " + ex, ex);
            }
        });
        return new Contender() {

            @Override
            public Object acquire(String name) throws Exception {
                ByteSequence key = lock.lock(bytes(name), leases.get())
                    .get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS)
                    .getKey();
                check(key, name);
                return key;
            }

            @Override
            public void release(Object held) throws Exception {
                lock.unlock((ByteSequence) held).get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS);
            }
        };
    }

    /** The acquire and release times of one turn, in nanoseconds; {@link #begin()} starts a turn afresh. */
    private static final class Parts {

        final AtomicReference<Samples> acquire = new AtomicReference<>(new Samples());

        final AtomicReference<Samples> release = new AtomicReference<>(new Samples());

        void begin() {
            this.acquire.set(new Samples());
            this.release.set(new Samples());
        }
    }

    /** Latencies from several threads. */
    private static final class Samples {

        private long[] values = new long[4096];

        private int count;

        synchronized void add(long nanos) {
            if (this.count == this.values.length) {
                this.values = Arrays.copyOf(this.values, this.values.length * 2);
            }
            this.values[this.count++] = nanos;
        }

        synchronized long[] values() {
            return Arrays.copyOf(this.values, this.count);
        }
    }

    // The hand-over

    /** A contender for a lock: what it holds once it has acquired it. */
    private interface Contender {

        Object acquire(String name) throws Exception;

        void release(Object held) throws Exception;
    }

    /** A contender for one lock, of its own client. */
    private record Named(String name, Contender contender) {
    }

    private record JetcdHeld(ByteSequence key, long lease) {
    }

    /** Ours: {@code acquire(name, ttl 10 s)}, checked to be held, then {@code release()}. */
    private static final class OursContender implements Contender {

        private final EtcdLockOperations locks;

        OursContender(EtcdLockOperations locks) {
            this.locks = locks;
        }

        @Override
        public Object acquire(String name) throws Exception {
            EtcdLock lock = this.locks.acquire(name, OPTIONS);
            BulkBenchmarks.check(lock.isHeld() && lock.fencingToken() > 0, "our lock " + lock + " is held");
            return lock;
        }

        @Override
        public void release(Object held) {
            ((EtcdLock) held).release();
        }
    }

    @FunctionalInterface
    private interface Contenders {

        List<Named> make() throws Exception;
    }

    /**
     * Adds the hand-over load of a column: its contenders are made at its first turn (the warm-up's), then every turn
     * runs them for the turn's length, one thread each.
     */
    private static void handOver(Scenario s, Column column, Object client, Contenders make) {
        if (client instanceof String reason) {
            s.with(column, (threads, duration) -> Double.NaN).note(column, reason);
            return;
        }
        AtomicReference<List<Named>> contenders = new AtomicReference<>();
        s.with(column, (threads, duration) -> {
            if (contenders.get() == null) {
                contenders.set(make.make());
            }
            HandOvers turn = handOvers(contenders.get(), duration);
            s.timed(column, turn.handOvers());
            s.timedPart(column, RELEASE, turn.releases());
            return turn.rate();
        });
    }

    /** One turn of the hand-over: the hand-overs per second, each hand-over's time, each release call's time. */
    private record HandOvers(double rate, long[] handOvers, long[] releases) {
    }

    /**
     * Runs the contenders for {@code duration}: each acquires, notes the time since the last holder began to release
     * (unless it is the turn's first holder, or that holder was the last to hold before the deadline), releases at
     * once, and queues again, until a holding ends past the deadline. Checks that no two hold the lock at once.
     */
    private static HandOvers handOvers(List<Named> contenders, Duration duration) throws Exception {
        AtomicLong releaseStarted = new AtomicLong();
        AtomicInteger holding = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Samples handOvers = new Samples();
        Samples releases = new Samples();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        for (int i = 0; i < contenders.size(); i++) {
            Named named = contenders.get(i);
            Thread thread = new Thread(() -> {
                try {
                    while (failure.get() == null) {
                        Object held = named.contender().acquire(named.name());
                        long acquired = System.nanoTime();
                        boolean last;
                        try {
                            if (holding.incrementAndGet() != 1) {
                                throw new IllegalStateException("two contenders held " + named.name() + " at once");
                            }
                            long from = releaseStarted.get();
                            if (from != 0) {
                                handOvers.add(acquired - from);
                            }
                            last = acquired - deadline >= 0;
                        }
                        finally {
                            holding.decrementAndGet();
                            long releasing = System.nanoTime();
                            // A holder past the deadline starts no hand-over that counts: the queue is emptying.
                            releaseStarted.set(((acquired - deadline >= 0) || failure.get() != null) ? 0 : releasing);
                            named.contender().release(held);
                            releases.add(System.nanoTime() - releasing);
                        }
                        if (last) {
                            return;
                        }
                    }
                }
                catch (Throwable ex) {
                    failure.compareAndSet(null, ex);
                }
            }, "bench-hand-over-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(duration.toMillis() + 2 * WAIT_AT_MOST.toMillis());
            if (thread.isAlive()) {
                failure.compareAndSet(null, new IllegalStateException(thread.getName() + " did not end"));
            }
        }
        if (failure.get() != null) {
            throw (failure.get() instanceof Exception ex) ? ex : new IllegalStateException(failure.get());
        }
        long[] times = handOvers.values();
        return new HandOvers(times.length / (duration.toNanos() / 1e9), times, releases.values());
    }

    private static void check(ByteSequence key, String name) {
        BulkBenchmarks.check(key != null && key.toString(StandardCharsets.UTF_8).startsWith(name + "/"),
                "jetcd's lock key " + key + " of " + name);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
