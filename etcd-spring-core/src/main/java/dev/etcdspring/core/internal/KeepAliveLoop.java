// One job: keeping one lease alive from the client: a renewal a third of its time to live after the last one was
// acknowledged, the safe deadline by the monotonic clock, and the one report of its loss.
package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.etcdspring.core.lease.EtcdLease;
import dev.etcdspring.core.lease.EtcdLeaseListener;
import dev.etcdspring.core.lease.LeaseLoss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kept-alive lease: one long task on the template's executor that renews it and watches its safe deadline: the
 * send time of the last acknowledged renewal plus the time to live that renewal granted. etcd counts the time to
 * live from when it handled the renewal, which is after it was sent, so before that deadline the lease certainly
 * lives. {@link #isAlive()} reads the clock itself, so it is exact even while a renewal is in flight.
 *
 * <p>A renewal's timeout is what is left until the deadline (rounded up to a fifth of a second, so that a lease
 * needs only a few distinct HTTP clients), so that the loop is back to report a loss at most that much after the
 * deadline. A failed renewal is tried again after a short pause, until the deadline.
 */
public final class KeepAliveLoop implements EtcdLease, Runnable {

    private static final Logger logger = LoggerFactory.getLogger(KeepAliveLoop.class);

    private static final long TIMEOUT_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** One renewal of the lease. */
    @FunctionalInterface
    public interface Renewal {

        /**
         * Renews the lease once.
         *
         * @param id the lease
         * @param timeout how long to wait for the answer
         * @return the time to live etcd renewed it to, or {@code null} when etcd no longer knows it
         */
        Duration renew(long id, Duration timeout);
    }

    /** The revocation of the lease when it is closed. */
    @FunctionalInterface
    public interface Revocation {

        /**
         * Revokes the lease.
         *
         * @param id the lease
         */
        void revoke(long id);
    }

    private final long id;

    private final Renewal renewal;

    private final Revocation revocation;

    private final BackgroundTask task;

    private final List<EtcdLeaseListener> listeners = new CopyOnWriteArrayList<>();

    private final AtomicBoolean closed = new AtomicBoolean();

    private final Consumer<KeepAliveLoop> onEnd;

    private volatile long ttlNanos;

    /** The safe deadline, by {@link System#nanoTime()}. */
    private volatile long deadline;

    /** Why the lease was lost; {@code null} while it is not. Set once, under {@code this}. */
    private volatile LeaseLoss loss;

    private Throwable lossCause;

    /**
     * Creates the keep-alive of a lease whose last renewal (or grant) was sent at {@code sentNanos}.
     *
     * @param id the lease
     * @param ttl the time to live granted then
     * @param sentNanos when that request was sent, by {@link System#nanoTime()}
     * @param renewal renews the lease
     * @param revocation revokes it on {@link #close()}
     * @param aborter ends the loop's request when the lease is closed
     * @param onEnd told once when the loop has ended for good (lost or closed)
     */
    public KeepAliveLoop(long id, Duration ttl, long sentNanos, Renewal renewal, Revocation revocation,
            RequestAborter aborter, Consumer<KeepAliveLoop> onEnd) {
        this.id = id;
        this.ttlNanos = ttl.toNanos();
        this.deadline = sentNanos + this.ttlNanos;
        this.renewal = renewal;
        this.revocation = revocation;
        this.onEnd = onEnd;
        this.task = new BackgroundTask("etcd-keepalive " + Long.toHexString(id), aborter);
    }

    /**
     * Hands the loop to an executor; closes the lease when the executor refuses it.
     *
     * @param executor runs the loop for as long as the lease is kept alive
     * @throws RejectedExecutionException when the executor refuses the task
     */
    public void start(Executor executor) {
        BackgroundTask.execute(executor, this, this::close);
    }

    @Override
    public void run() {
        this.task.run(this::loop);
    }

    private void loop() {
        long due = this.deadline - this.ttlNanos + this.ttlNanos / 3;
        Throwable lastFailure = null;
        while (!this.task.isStopped()) {
            long now = System.nanoTime();
            long left = this.deadline - now;
            if (left <= 0) {
                lost(LeaseLoss.DEADLINE_PASSED, lastFailure);
                return;
            }
            if (now < due) {
                pause(Math.min(due, this.deadline) - now);
                continue;
            }
            long sent = System.nanoTime();
            try {
                Duration granted = this.renewal.renew(this.id, timeout(left));
                if (granted == null) {
                    lost(LeaseLoss.EXPIRED, null);
                    return;
                }
                this.ttlNanos = granted.toNanos();
                this.deadline = sent + this.ttlNanos;
                due = sent + this.ttlNanos / 3;
                if (lastFailure != null) {
                    logger.info("Lease {} renewed again", Long.toHexString(this.id));
                }
                lastFailure = null;
            }
            catch (RuntimeException ex) {
                if (this.task.isStopped()) {
                    break;
                }
                if (lastFailure == null) {
                    logger.warn("Renewing lease {} failed ({}); trying again until its safe deadline in {} ms",
                            Long.toHexString(this.id), ex.getMessage(),
                            TimeUnit.NANOSECONDS.toMillis(this.deadline - System.nanoTime()));
                }
                lastFailure = ex;
                due = System.nanoTime() + retryPause();
            }
        }
    }

    /** What is left until the deadline, rounded up to the step, so that timeouts take few distinct values. */
    private static Duration timeout(long leftNanos) {
        long steps = (leftNanos + TIMEOUT_STEP_NANOS - 1) / TIMEOUT_STEP_NANOS;
        return Duration.ofNanos(Math.max(1, steps) * TIMEOUT_STEP_NANOS);
    }

    /** A tenth of the time to live, between 50 and 500 ms: several attempts fit before the deadline. */
    private long retryPause() {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(50),
                Math.min(TimeUnit.MILLISECONDS.toNanos(500), this.ttlNanos / 10));
    }

    private void pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
        catch (InterruptedException ex) {
            // close() interrupts a pause; the loop checks whether it is stopped.
        }
    }

    private void lost(LeaseLoss reason, Throwable cause) {
        synchronized (this) {
            if (this.loss != null || this.closed.get()) {
                return;
            }
            this.loss = reason;
            this.lossCause = cause;
        }
        logger.warn("Lease {} is lost: {}", Long.toHexString(this.id),
                (reason == LeaseLoss.EXPIRED) ? "etcd no longer knows it"
                        : "no renewal was acknowledged before its safe deadline");
        this.listeners.forEach((listener) -> notify(listener, reason, cause));
        this.onEnd.accept(this);
    }

    private void notify(EtcdLeaseListener listener, LeaseLoss reason, Throwable cause) {
        try {
            listener.leaseLost(this, reason, cause);
        }
        catch (RuntimeException ex) {
            logger.error("A listener of lease {} failed", Long.toHexString(this.id), ex);
        }
    }

    @Override
    public long id() {
        return this.id;
    }

    @Override
    public Duration ttl() {
        return Duration.ofNanos(this.ttlNanos);
    }

    @Override
    public boolean isAlive() {
        return this.loss == null && !this.closed.get() && System.nanoTime() - this.deadline < 0;
    }

    @Override
    public Duration remaining() {
        long left = this.deadline - System.nanoTime();
        return isAlive() ? Duration.ofNanos(Math.max(0, left)) : Duration.ZERO;
    }

    @Override
    public void addListener(EtcdLeaseListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        LeaseLoss lostAlready;
        Throwable cause;
        synchronized (this) {
            this.listeners.add(listener);
            lostAlready = this.loss;
            cause = this.lossCause;
        }
        if (lostAlready != null) {
            notify(listener, lostAlready, cause);
        }
    }

    /**
     * Stops the renewals and revokes the lease (unless etcd already said it is gone).
     */
    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        this.task.stop(() -> {
        });
        if (this.loss != LeaseLoss.EXPIRED) {
            try {
                this.revocation.revoke(this.id);
            }
            catch (RuntimeException ex) {
                logger.warn("Revoking lease {} failed ({}); it expires after its time to live",
                        Long.toHexString(this.id), ex.getMessage());
            }
        }
        this.onEnd.accept(this);
    }

    @Override
    public String toString() {
        return "EtcdLease[" + Long.toHexString(this.id) + ", ttl " + ttl().toSeconds() + " s, "
                + ((this.loss != null) ? "lost: " + this.loss : this.closed.get() ? "closed" : "alive") + "]";
    }
}
