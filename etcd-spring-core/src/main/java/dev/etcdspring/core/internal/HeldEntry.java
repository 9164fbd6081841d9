// One job: a queue entry while it is held (a lock, a leadership): whether it still is, by the renewal's safe
// deadline and a watch of its key, the one report of its loss, and its release.
package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.lease.LeaseLoss;
import dev.etcdspring.core.lock.EtcdLockLostException;
import dev.etcdspring.core.lock.LockLoss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head of a {@link CoordinationQueue}, held until released or lost. It is held while its renewal is alive (by
 * the safe deadline, read from the clock on every call) and its key was not seen deleted; the first loss is reported
 * once to the listeners, then the entry leaves the queue (its key deleted, on v3 its lease revoked), so that the
 * next contender does not wait for a time to live.
 */
public final class HeldEntry {

    private static final Logger logger = LoggerFactory.getLogger(HeldEntry.class);

    private final CoordinationQueue queue;

    private final QueueEntry entry;

    private final List<BiConsumer<LockLoss, Throwable>> listeners = new CopyOnWriteArrayList<>();

    /** Guards {@link #loss} and {@link #released}, and the adding of listeners against the report. */
    private final Object lock = new Object();

    private volatile LockLoss loss;

    private Throwable lossCause;

    private volatile boolean released;

    private volatile EtcdWatch watch;

    /** The observation of the hold, ended by the release or the loss. */
    private final Observations.Running observation;

    private final String name;

    private HeldEntry(CoordinationQueue queue, QueueEntry entry, String name, Observations.Running observation) {
        this.queue = queue;
        this.entry = entry;
        this.name = name;
        this.observation = observation;
    }

    /**
     * Holds an acquired entry: hears of its renewal's loss, and watches its key from the revision after it was seen
     * at the head.
     *
     * @param queue the queue
     * @param acquired the acquired entry
     * @param name the lock's or election's name, as the caller gave it
     * @param observation the observation of the hold, started now
     * @return the held entry
     */
    public static HeldEntry hold(CoordinationQueue queue, QueueAcquisition.Acquired acquired, String name,
            Observations.Running observation) {
        HeldEntry held = new HeldEntry(queue, acquired.entry(), name, observation);
        held.entry.renewal().addListener((lease, reason, cause) -> held.lost(
                (reason == LeaseLoss.EXPIRED) ? LockLoss.EXPIRED : LockLoss.DEADLINE_PASSED, cause));
        try {
            held.watch = queue.awaitDeletion(held.entry.key(), acquired.revision() + 1,
                    () -> held.lost(LockLoss.DELETED, null));
        }
        catch (RuntimeException ex) {
            held.release();
            throw ex;
        }
        if (held.released || held.loss != null) {
            // Lost or released before the watch was set: end() could not close it.
            held.watch.close();
        }
        return held;
    }

    /**
     * The entry.
     *
     * @return the entry
     */
    public QueueEntry entry() {
        return this.entry;
    }

    /**
     * Whether the entry is certainly held.
     *
     * @return {@code false} once lost or released
     */
    public boolean isHeld() {
        return this.loss == null && !this.released && this.entry.renewal().isAlive();
    }

    /**
     * How long the entry is certainly held without another acknowledged renewal.
     *
     * @return the time to the safe deadline; zero once lost or released
     */
    public Duration remaining() {
        return (this.loss == null && !this.released) ? this.entry.renewal().remaining() : Duration.ZERO;
    }

    /**
     * Adds a listener told once of the loss; at once if it happened.
     *
     * @param listener the listener
     */
    public void addListener(BiConsumer<LockLoss, Throwable> listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        LockLoss lostAlready;
        Throwable cause;
        synchronized (this.lock) {
            lostAlready = this.loss;
            cause = this.lossCause;
            if (lostAlready == null) {
                this.listeners.add(listener);
            }
        }
        if (lostAlready != null) {
            notify(listener, lostAlready, cause);
        }
    }

    private void lost(LockLoss reason, Throwable cause) {
        synchronized (this.lock) {
            if (this.loss != null || this.released) {
                return;
            }
            this.loss = reason;
            this.lossCause = cause;
        }
        logger.warn("{} is no longer held: {}", this.entry.key(), switch (reason) {
            case DELETED -> "its key was deleted";
            case EXPIRED -> "etcd says its lease or time to live is gone";
            case DEADLINE_PASSED -> "no renewal was acknowledged before its safe deadline";
        });
        this.listeners.forEach((listener) -> notify(listener, reason, cause));
        this.observation.stop(new EtcdLockLostException(this.entry.key() + " is no longer held (" + reason + ")",
                this.name, reason, cause));
        end();
    }

    private void notify(BiConsumer<LockLoss, Throwable> listener, LockLoss reason, Throwable cause) {
        try {
            listener.accept(reason, cause);
        }
        catch (RuntimeException ex) {
            logger.error("A listener of {} failed", this.entry.key(), ex);
        }
    }

    /**
     * Releases the entry: stops the renewals, deletes the key. Idempotent, never throws.
     */
    public void release() {
        synchronized (this.lock) {
            if (this.released) {
                return;
            }
            this.released = true;
            if (this.loss != null) {
                // lost() leaves the queue itself.
                return;
            }
        }
        this.observation.stop(null);
        end();
    }

    /**
     * Leaves first, then closes the watch: on the watch's own thread, closing it first would abort the leaving's
     * request.
     */
    private void end() {
        this.queue.leave(this.entry);
        EtcdWatch current = this.watch;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public String toString() {
        return this.entry.key() + " (token " + this.entry.token() + ", "
                + ((this.loss != null) ? "lost: " + this.loss : this.released ? "released" : "held") + ")";
    }
}
