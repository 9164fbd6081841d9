package dev.etcdspring.core.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.kv.Op;
import dev.etcdspring.core.kv.RangeOptions;
import dev.etcdspring.core.kv.TxnResult;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A holder cut off from a real three-member cluster: client A holds a lock through a link to each member, and client
 * B, with a direct link, waits for it; A's links are blackholed ({@link TcpProxy#stall()}: nothing gets through and
 * nothing is refused, so A sees only its own timeouts) for longer than the time to live. A hears of the loss
 * ({@link LockLoss#DEADLINE_PASSED}) and {@link EtcdLock#isHeld()} says {@code false} before B's acquisition
 * returns, by one monotonic clock; B's fencing token is greater than A's. Once A's links are back: on v3 A's fenced
 * write is refused and the resource stays as B left it; on both APIs A's key is gone and A's release leaves B's key
 * alone.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class LockCutOffTest {

    private static final Duration TTL = Duration.ofSeconds(3);

    /** A bound for anything that takes about a time to live, generous for a busy machine. */
    private static final Duration WAIT = TTL.multipliedBy(5).plusSeconds(10);

    private static final String LOCK = "cutoff/lock";

    private static final String RESOURCE = "cutoff/resource";

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    private final EtcdApi api;

    private final List<TcpProxy> links = new java.util.ArrayList<>();

    private final List<EtcdTemplate> templates = new java.util.ArrayList<>();

    LockCutOffTest(EtcdApi api) {
        this.api = api;
    }

    @AfterEach
    void close() {
        this.templates.forEach(EtcdTemplate::close);
        this.links.forEach(TcpProxy::close);
    }

    private EtcdTemplate template(List<String> endpoints) {
        EtcdTemplate template = EtcdTemplate.builder().endpoints(endpoints).api(this.api)
            .timeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofMillis(500)).build();
        this.templates.add(template);
        return template;
    }

    /** The moment something happened, by {@link System#nanoTime()}; 0 until it did. */
    private static final class Moment {

        private final AtomicLong nanos = new AtomicLong();

        void mark() {
            this.nanos.compareAndSet(0, System.nanoTime());
        }

        long get() {
            return this.nanos.get();
        }

        boolean happened() {
            return get() != 0;
        }
    }

    @Test
    void aHolderCutOffHearsOfTheLossBeforeTheNextHolderIsGrantedAndCannotWriteAfter() throws Exception {
        this.etcd.endpoints().forEach((endpoint) -> this.links.add(TcpProxy.to(endpoint)));
        EtcdTemplate a = template(this.links.stream().map(TcpProxy::url).toList());
        EtcdTemplate b = template(this.etcd.endpoints());
        LockOptions options = LockOptions.defaults().ttl(TTL).waitAtMost(WAIT);

        EtcdLock held = a.opsForLocks().acquire(LOCK, options.value("A"));
        Moment heard = new Moment();
        Moment polledFalse = new Moment();
        AtomicReference<LockLoss> reason = new AtomicReference<>();
        AtomicReference<Boolean> heldInListener = new AtomicReference<>();
        held.addListener((lock, why, cause) -> {
            heard.mark();
            reason.set(why);
            heldInListener.set(lock.isHeld());
        });
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            while (polling.get() && !polledFalse.happened()) {
                if (!held.isHeld()) {
                    polledFalse.mark();
                }
                // Polling late makes A's belief look longer, never shorter: the order below is not flattered.
                LockSupport.parkNanos(100_000);
            }
        }, "cutoff-poller");
        poller.setDaemon(true);
        poller.start();
        if (this.api == EtcdApi.V3) {
            assertThat(held.fencedTxn().then(Op.put(RESOURCE, "A")).commit().succeeded()).isTrue();
        }

        Moment granted = new Moment();
        CompletableFuture<EtcdLock> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                EtcdLock lock = b.opsForLocks().acquire(LOCK, options.value("B"));
                granted.mark();
                return lock;
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        });
        await("B waits behind A").atMost(WAIT).until(() -> contenders(b) == 2);
        assertThat(waiting).isNotDone();
        assertThat(held.isHeld()).isTrue();

        this.links.forEach(TcpProxy::stall);
        long stalledAt = System.nanoTime();
        EtcdLock next = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        polling.set(false);

        assertThat(heard.happened()).as("A heard of the loss").isTrue();
        assertThat(reason.get()).isEqualTo(LockLoss.DEADLINE_PASSED);
        assertThat(heldInListener.get()).as("isHeld() in A's listener").isFalse();
        assertThat(polledFalse.happened()).as("A's isHeld() said false").isTrue();
        assertThat(heard.get()).as("A heard before B was granted").isLessThan(granted.get());
        assertThat(polledFalse.get()).as("A's isHeld() said false before B was granted").isLessThan(granted.get());
        assertThat(held.isHeld()).isFalse();
        assertThat(held.remaining()).isZero();
        assertThat(next.isHeld()).isTrue();
        assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
        System.out.printf("LockCutOffTest %s: A heard of the loss %d ms after the stall (isHeld() false after %d ms),"
                + " %d ms before B was granted (%d ms after the stall); tokens A %d, B %d%n", this.api,
                TimeUnit.NANOSECONDS.toMillis(heard.get() - stalledAt),
                TimeUnit.NANOSECONDS.toMillis(polledFalse.get() - stalledAt),
                TimeUnit.NANOSECONDS.toMillis(granted.get() - heard.get()),
                TimeUnit.NANOSECONDS.toMillis(granted.get() - stalledAt), held.fencingToken(), next.fencingToken());

        if (this.api == EtcdApi.V3) {
            assertThat(next.fencedTxn().then(Op.put(RESOURCE, "B")).commit().succeeded()).isTrue();
        }
        else {
            b.set(RESOURCE, "B");
        }
        // A's links come back: the connections blackholed meanwhile are dropped, new ones get through.
        this.links.forEach(TcpProxy::cut);
        this.links.forEach(TcpProxy::restore);
        if (this.api == EtcdApi.V3) {
            // Until etcd answers A (a transport failure says nothing): the answer is a refusal.
            TxnResult late = await("A's fenced write is answered").atMost(WAIT).ignoreException(EtcdException.class)
                .until(() -> held.fencedTxn().then(Op.put(RESOURCE, "A, late")).commit(), (r) -> true);
            assertThat(late.succeeded()).as("A's fenced write, after the loss").isFalse();
            assertThat(resource(b)).as("the resource as B left it").isEqualTo("B");
        }
        else {
            assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(held::fencedTxn);
        }
        await("A's key is gone").atMost(WAIT).until(() -> !exists(b, held.key()));
        // A reaches etcd again, and sees B hold the lock; then A releases, which must not touch B's key.
        await("A sees B hold the lock through its restored links").atMost(WAIT).ignoreExceptions()
            .until(() -> a.opsForLocks().holder(LOCK).map(LockHolder::key).orElse("").equals(next.key()));
        held.release();
        assertThat(b.opsForLocks().holder(LOCK)).as("B still holds the lock after A's release")
            .hasValueSatisfying((h) -> {
                assertThat(h.key()).isEqualTo(next.key());
                assertThat(h.fencingToken()).isEqualTo(next.fencingToken());
            });
        assertThat(exists(b, next.key())).isTrue();
        assertThat(next.isHeld()).isTrue();
        assertThat(resource(b)).as("the resource as B left it").isEqualTo("B");
        next.release();
        assertThat(b.opsForLocks().holder(LOCK)).isEmpty();
    }

    /** What the resource holds: on v3 the key the fenced writes wrote, verbatim; on v2 B's plain write. */
    private String resource(EtcdTemplate direct) {
        return (this.api == EtcdApi.V3) ? direct.opsForKeyValue().get(RESOURCE).value() : direct.get(RESOURCE);
    }

    /** How many contenders' keys the lock's queue holds, read directly. */
    private int contenders(EtcdTemplate direct) {
        if (this.api == EtcdApi.V3) {
            return (int) direct.opsForKeyValue().get(LOCK + "/", RangeOptions.prefix().countOnly(true)).count();
        }
        try {
            return direct.getResponse(LOCK, ReadOptions.defaults().quorum(true)).node().nodes().size();
        }
        catch (EtcdKeyNotFoundException ex) {
            return 0;
        }
    }

    private boolean exists(EtcdTemplate direct, String key) {
        if (this.api == EtcdApi.V3) {
            return direct.opsForKeyValue().get(key) != null;
        }
        try {
            direct.getResponse(key, ReadOptions.defaults().quorum(true));
            return true;
        }
        catch (EtcdKeyNotFoundException ex) {
            return false;
        }
    }
}
