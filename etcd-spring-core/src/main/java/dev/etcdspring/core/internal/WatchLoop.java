// One job: a watch's loop: what to ask etcd next, delivering each change once and in order, resyncing when
// etcd's history is gone, and backing off after failures. Running it on a pooled thread is BackgroundTask's.
package dev.etcdspring.core.internal;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import dev.etcdspring.core.EtcdBackoff;
import dev.etcdspring.core.EtcdClientListener;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOffExecution;

/**
 * A watch's loop, one long task on the template's executor for as long as the watch runs: polls (v2) or streams
 * (v3) from the next index, delivers each change to the listener once and in order, and resumes from the index
 * after the last change delivered, whatever ended the request. When the server no longer holds the changes since
 * that index, it delivers the {@link WatchSource#resync() current state} as one change. Failures are retried with
 * jittered exponential backoff, reported once per outage. What is watched, and how, is the {@link WatchSource}'s.
 *
 * <p>The thread may be a pooled one that runs other tasks before and after: a {@link BackgroundTask} renames it,
 * and has the {@link RequestAborter} track it, only while the loop runs; {@link #close()} aborts and interrupts it
 * only while it still runs this watch's loop, and an interrupt of close()'s is cleared before the thread goes back.
 */
public final class WatchLoop<E> implements EtcdWatch, WatchSink<E>, Runnable {

    private static final Logger logger = LoggerFactory.getLogger(WatchLoop.class);

    private final WatchSource<E> source;

    /** What is watched, for names and messages. */
    private final String key;

    private final Consumer<E> listener;

    private final Consumer<Throwable> errorHandler;

    private final EtcdBackoff backoff;

    private final Duration pollTimeout;

    private final Consumer<EtcdWatch> onClose;

    /** Runs the loop on the executor's thread, and stops it when the watch closes. */
    private final BackgroundTask task;

    private final EtcdClientListener clientListener;

    private volatile long nextIndex;

    private volatile Closeable body;

    /** The index the current request started from: nothing older may be delivered (loop thread only). */
    private long pollStart;

    /** Whether the current request delivered anything (loop thread only). */
    private boolean delivered;

    /** Failed attempts since the last success (loop thread only). */
    private int failures;

    /**
     * Creates a watch, reading where it starts unless told; {@link #start(Executor)} runs it.
     *
     * @param source what is watched
     * @param fromIndex the first index to deliver; 0 to read where the watch starts now
     * @param errorHandler receives the failures; {@code null} for none
     * @param listener receives the changes
     * @param backoff the pauses after failures, started afresh after each success
     * @param pollTimeout how long one poll or stream lasts before it is asked again
     * @param onClose told once when the watch is closed
     * @param aborter ends the watch thread's request when the watch closes
     * @param clientListener told of reconnects and resyncs
     */
    public WatchLoop(WatchSource<E> source, long fromIndex, Consumer<Throwable> errorHandler, Consumer<E> listener,
            EtcdBackoff backoff, Duration pollTimeout, Consumer<EtcdWatch> onClose, RequestAborter aborter,
            EtcdClientListener clientListener) {
        this.source = source;
        this.key = source.name();
        this.listener = listener;
        this.errorHandler = errorHandler;
        this.backoff = backoff;
        this.pollTimeout = pollTimeout;
        this.onClose = onClose;
        this.task = new BackgroundTask("etcd-watch " + this.key, aborter);
        this.clientListener = clientListener;
        this.nextIndex = fromIndex;
        if (this.nextIndex == 0) {
            try {
                // Read now, so that every change after watch() returns is delivered.
                this.nextIndex = source.position();
            }
            catch (EtcdException ex) {
                logger.warn("Watch of {} could not read where to start ({}); it starts from the state it finds "
                        + "once etcd answers", key, ex.getMessage());
                report(ex);
            }
        }
    }

    /**
     * Hands the watch's task to an executor; closes the watch when the executor refuses it.
     *
     * @param executor runs the task, for as long as the watch runs
     * @throws RejectedExecutionException when the executor refuses the task
     */
    public void start(Executor executor) {
        BackgroundTask.execute(executor, this, this::close);
    }

    /**
     * The watch's task: runs the loop until the watch is closed. Only the first call runs it; none does after
     * {@link #close()}.
     */
    @Override
    public void run() {
        this.task.run(this::loop);
    }

    /** Whether the watch is closed: its loop ends, and delivers nothing more. */
    private boolean closed() {
        return this.task.isStopped();
    }

    private void loop() {
        BackOffExecution backOff = backOff();
        while (!closed()) {
            this.delivered = false;
            try {
                if (this.nextIndex == 0) {
                    this.nextIndex = this.source.position();
                    this.delivered = true;
                }
                else {
                    this.pollStart = this.nextIndex;
                    this.source.watch(this.nextIndex, this, this.pollTimeout);
                }
                if (this.delivered) {
                    recovered();
                    backOff = backOff();
                }
                else {
                    // A stream that ended without a word is not an error, but is not asked again at once either.
                    pause(backOff);
                }
            }
            catch (PollTimeout ex) {
                // A quiet key: ask again from the same index.
                recovered();
            }
            catch (RuntimeException ex) {
                if (closed()) {
                    break;
                }
                if (this.delivered) {
                    // A stream that delivered before it broke was a success: this failure starts a new outage,
                    // reported and backed off afresh.
                    recovered();
                    backOff = backOff();
                }
                if (ex instanceof EtcdException etcd && etcd.getErrorCode() == EtcdException.EVENT_INDEX_CLEARED) {
                    if (resync()) {
                        backOff = backOff();
                        continue;
                    }
                }
                else {
                    failed(ex);
                }
                pause(backOff);
            }
            finally {
                this.body = null;
            }
        }
    }

    /**
     * The changes since {@link #nextIndex} are gone from the server's history: deliver the current state as one
     * change and continue after it.
     */
    private boolean resync() {
        WatchSource.Resync<E> current;
        try {
            current = this.source.resync();
        }
        catch (RuntimeException ex) {
            failed(ex);
            return false;
        }
        logger.info("Watch of {} missed changes from index {} that etcd no longer holds; delivering the state at {}",
                this.key, this.nextIndex, current.index());
        this.clientListener.watchResynced(this.key, current.index());
        deliver(current.event());
        this.nextIndex = current.index() + 1;
        recovered();
        return true;
    }

    @Override
    public void opened(Closeable body) {
        this.body = body;
        if (closed()) {
            closeQuietly(body);
        }
    }

    @Override
    public void event(E event) {
        long index = this.source.index(event);
        this.delivered = true;
        if (closed() || index < this.pollStart) {
            return;
        }
        this.nextIndex = Math.max(this.nextIndex, index + 1);
        E deliverable = this.source.deliverable(event);
        if (deliverable != null) {
            deliver(deliverable);
        }
    }

    @Override
    public void progress(long index) {
        this.delivered = true;
        this.nextIndex = Math.max(this.nextIndex, index + 1);
        E progress = this.source.progress(index);
        if (progress != null && !closed()) {
            deliver(progress);
        }
    }

    private void deliver(E event) {
        if (closed()) {
            return;
        }
        try {
            this.listener.accept(event);
        }
        catch (RuntimeException | Error ex) {
            logger.error("The listener of the watch of {} failed on the change at {}; the watch goes on", this.key,
                    this.source.index(event), ex);
            report(ex);
        }
    }

    private void failed(RuntimeException ex) {
        this.failures++;
        this.clientListener.watchReconnecting(this.key, ex);
        if (this.failures == 1) {
            logger.warn("Watch of {} lost etcd ({}); retrying from index {}", this.key, ex.getMessage(),
                    this.nextIndex);
            report(ex);
        }
        else {
            logger.debug("Watch of {} failed again ({} in a row)", this.key, this.failures, ex);
        }
    }

    private void recovered() {
        if (this.failures > 0) {
            logger.info("Watch of {} is back after {} failed attempts, from index {}", this.key, this.failures,
                    this.nextIndex);
        }
        this.failures = 0;
    }

    private void report(Throwable failure) {
        if (this.errorHandler != null) {
            try {
                this.errorHandler.accept(failure);
            }
            catch (RuntimeException ex) {
                logger.error("The error handler of the watch of {} failed", this.key, ex);
            }
        }
    }

    private BackOffExecution backOff() {
        return this.backoff.start();
    }

    /**
     * Waits the next pause of the backoff (between half and all of an exponential interval, as the template sets
     * it: the jitter spreads watches that failed together, and the lower half keeps the request rate against a dead
     * server bounded).
     */
    private void pause(BackOffExecution backOff) {
        long millis = backOff.nextBackOff();
        millis = (millis == BackOffExecution.STOP) ? this.backoff.getMax().toMillis() : millis;
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            // close() interrupts a pause; the loop checks whether it is closed.
        }
    }

    /**
     * Stops the watch: aborts its request, interrupts its task (unless called from it, by the listener) and waits
     * for the task to end; a watch whose task has not begun yet never runs it.
     */
    @Override
    public void close() {
        if (this.task.stop(this::closeBody)) {
            this.onClose.accept(this);
        }
    }

    /** Closes the answer the loop is reading, if any, so that a blocked read ends. */
    private void closeBody() {
        Closeable current = this.body;
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        }
        catch (IOException | RuntimeException ex) {
            logger.trace("Closing a watch's answer failed", ex);
        }
    }

    @Override
    public boolean isOpen() {
        return !closed();
    }

    @Override
    public long nextIndex() {
        return this.nextIndex;
    }

    @Override
    public String toString() {
        return "EtcdWatch[" + this.key + ", next index " + this.nextIndex
                + (closed() ? ", closed" : "") + "]";
    }
}
