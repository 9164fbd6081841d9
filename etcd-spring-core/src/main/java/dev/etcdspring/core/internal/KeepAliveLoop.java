// One job: keeping one lease alive from the client: a renewal a third of its time to live after the last one was
// acknowledged, the safe deadline by the monotonic clock, and the one report of its loss.
package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * lives. {@link #isAlive()} reads the clock itself, so it is exact even while a renewal is in flight; and once it
 * has said {@code false} it says so for good: an acknowledgement that arrives after the deadline does not move it
 * (it is checked against the clock under the same lock as {@link #isAlive()}), and the loss is reported.
 *
 * <p>A renewal's timeout is what is left until the deadline less a fifth of the time to live, kept for one more
 * attempt, rounded down to a fifth of a second (so that a lease needs only a few distinct HTTP clients): a request
 * lost on the way (a blackholed link, a half-open connection, a write forwarded to a leader that just died) then costs
 * one attempt, not the lease. All that is left goes to the attempt when less than two fifths are, or when what would
 * be left for it is less than twice the last round trip (a slow link needs the time more than a second try). With
 * less than a fifth of a second left no renewal is sent. A failed renewal is tried again after a short pause, until
 * the deadline. The loss is reported at the deadline even when a renewal is still in flight then (a call can outlast
 * its timeout: failing over to the next endpoint, or connecting first): a task on the executor watches each
 * renewal's deadline.
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

    /**
     * Guards the setting of {@link #loss}, the adding of listeners, and the moving of {@link #deadline} against
     * {@link #isAlive()}'s reading of it.
     */
    private final Object lock = new Object();

    /** The thread running the loop, while it runs it. */
    private volatile Thread loopThread;

    /** Where the loop runs, and where the watch of a renewal's deadline reports; {@code null} until started. */
    private volatile Executor executor;

    /** The number of the renewal in flight; 0 while none is. */
    private final AtomicLong renewalInFlight = new AtomicLong();

    /** The number of renewals sent; the loop's thread only. */
    private long renewalsSent;

    /** The last failure of a renewal since the last acknowledged one, for the report of a loss. */
    private volatile Throwable lastFailure;

    private final Consumer<KeepAliveLoop> onEnd;

    private volatile long ttlNanos;

    /** How long the last acknowledged renewal (or the grant) took, from its sending to its answer. */
    private volatile long roundTripNanos;

    /** The safe deadline, by {@link System#nanoTime()}; moved only under {@link #lock}, and never once passed. */
    private volatile long deadline;

    /** Why the lease was lost; {@code null} while it is not. Set once, under {@link #lock}. */
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
        this.roundTripNanos = Math.max(0, System.nanoTime() - sentNanos);
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
        this.executor = executor;
        BackgroundTask.execute(executor, this, this::close);
    }

    @Override
    public void run() {
        this.task.run(() -> {
            this.loopThread = Thread.currentThread();
            try {
                loop();
            }
            finally {
                this.loopThread = null;
            }
        });
    }

    private void loop() {
        long due = this.deadline - this.ttlNanos + this.ttlNanos / 3;
        while (!this.task.isStopped() && !this.closed.get()) {
            long now = System.nanoTime();
            long left = this.deadline - now;
            if (left <= 0) {
                lost(LeaseLoss.DEADLINE_PASSED, this.lastFailure);
                return;
            }
            Duration timeout = timeout(attemptNanos(left));
            if (now < due || timeout == null) {
                // Not due yet; or too little left for an answer to come back in time, so wait for the deadline.
                pause(((timeout != null) ? Math.min(due, this.deadline) : this.deadline) - now);
                continue;
            }
            long sent = System.nanoTime();
            long renewal = ++this.renewalsSent;
            this.renewalInFlight.set(renewal);
            watchDeadline(renewal);
            try {
                Duration granted;
                try {
                    granted = this.renewal.renew(this.id, timeout);
                }
                finally {
                    this.renewalInFlight.compareAndSet(renewal, 0);
                }
                if (granted == null) {
                    lost(LeaseLoss.EXPIRED, null);
                    return;
                }
                if (!extend(sent, granted)) {
                    // Acknowledged only after the deadline passed: isAlive() may have said false already.
                    lost(LeaseLoss.DEADLINE_PASSED, this.lastFailure);
                    return;
                }
                this.roundTripNanos = System.nanoTime() - sent;
                due = sent + this.ttlNanos / 3;
                if (this.lastFailure != null) {
                    logger.info("Lease {} renewed again", Long.toHexString(this.id));
                }
                this.lastFailure = null;
            }
            catch (RuntimeException ex) {
                if (this.task.isStopped()) {
                    break;
                }
                if (this.lastFailure == null) {
                    logger.warn("Renewing lease {} failed ({}); trying again until its safe deadline in {} ms",
                            Long.toHexString(this.id), ex.getMessage(),
                            TimeUnit.NANOSECONDS.toMillis(this.deadline - System.nanoTime()));
                }
                this.lastFailure = ex;
                due = System.nanoTime() + retryPause();
            }
        }
    }

    /**
     * Reports the loss at the deadline if this renewal is still in flight then. Its timeout ends before the
     * deadline, but a call may take longer than its timeout (an idempotent renewal that timed out is sent to the next
     * endpoint with the same timeout, a connection may take its connect timeout first), and the listeners must hear
     * when {@link #isAlive()} turns {@code false}, not when the call gives up: a leader told late works on beside its
     * successor. Without an executor (the loop run by hand) the loop reports when it is back.
     */
    private void watchDeadline(long renewal) {
        Executor current = this.executor;
        if (current == null) {
            return;
        }
        long delay = Math.max(0, this.deadline - System.nanoTime());
        CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, current).execute(() -> {
            // The same renewal still in flight: the deadline it had has not moved.
            if (this.renewalInFlight.get() == renewal && System.nanoTime() - this.deadline >= 0) {
                lost(LeaseLoss.DEADLINE_PASSED, this.lastFailure);
            }
        });
    }

    /**
     * How long an attempt may wait for its answer: what is left less a fifth of the time to live, kept for one more
     * attempt, while that leaves as much, and twice the last round trip, for this one; else all that is left.
     */
    private long attemptNanos(long leftNanos) {
        long reserve = Math.max(TIMEOUT_STEP_NANOS, this.ttlNanos / 5);
        long attempt = leftNanos - reserve;
        return (attempt >= reserve && attempt >= 2 * this.roundTripNanos) ? attempt : leftNanos;
    }

    /**
     * What is left until the deadline, rounded down to the step, so that timeouts take few distinct values and a
     * renewal is over by the deadline; {@code null} for less than a step.
     */
    private static Duration timeout(long leftNanos) {
        long steps = leftNanos / TIMEOUT_STEP_NANOS;
        return (steps > 0) ? Duration.ofNanos(steps * TIMEOUT_STEP_NANOS) : null;
    }

    /**
     * Moves the deadline for an acknowledged renewal, unless the current one has passed: a lease that was not
     * alive does not come back.
     */
    private boolean extend(long sent, Duration granted) {
        synchronized (this.lock) {
            if (System.nanoTime() - this.deadline >= 0) {
                return false;
            }
            this.ttlNanos = granted.toNanos();
            this.deadline = sent + this.ttlNanos;
            return true;
        }
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
        synchronized (this.lock) {
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
        return remainingNanos() > 0;
    }

    @Override
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** Under the lock, so that a deadline seen passed is not moved afterwards (see {@link #extend}). */
    private long remainingNanos() {
        synchronized (this.lock) {
            long left = this.deadline - System.nanoTime();
            return (this.loss == null && !this.closed.get() && left > 0) ? left : 0;
        }
    }

    @Override
    public void addListener(EtcdLeaseListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        LeaseLoss lostAlready;
        Throwable cause;
        synchronized (this.lock) {
            lostAlready = this.loss;
            cause = this.lossCause;
            if (lostAlready == null) {
                // lost() sets the loss under the lock before it calls the listeners: this one is among them.
                this.listeners.add(listener);
            }
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
        if (Thread.currentThread() != this.loopThread) {
            this.task.stop(() -> {
            });
        }
        // Else a listener of the loss closes the lease on the loop's thread, which ends when the listeners return;
        // stopping the task from it would abort this thread's requests, the revocation's first.
        if (this.loss != LeaseLoss.EXPIRED) {
            // A release in the finally block of interrupted work: the transport refuses to wait for etcd on an
            // interrupted thread, so the revocation runs with the interrupt cleared, and the interrupt is kept.
            boolean interrupted = Thread.interrupted();
            try {
                this.revocation.revoke(this.id);
            }
            catch (RuntimeException ex) {
                logger.warn("Revoking lease {} failed ({}); it expires after its time to live",
                        Long.toHexString(this.id), ex.getMessage());
            }
            finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
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
