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
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdNotDirectoryException;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WatchOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOffExecution;

/**
 * A watch's loop, one long task on the template's executor for as long as the watch runs: polls (v2) or streams (v3) from the next index, delivers each change to the listener once
 * and in order, and resumes from the index after the last change delivered, whatever ended the request. When the
 * server no longer holds the changes since that index, it reads the whole subtree and delivers it as one
 * {@code resync}. Failures are retried with jittered exponential backoff, reported once per outage.
 *
 * <p>The thread may be a pooled one that runs other tasks before and after: a {@link BackgroundTask} renames it,
 * and has the {@link RequestAborter} track it, only while the loop runs; {@link #close()} aborts and interrupts it
 * only while it still runs this watch's loop, and an interrupt of close()'s is cleared before the thread goes back.
 */
public final class WatchLoop implements EtcdWatch, WatchSink, Runnable {

    private static final Logger logger = LoggerFactory.getLogger(WatchLoop.class);

    private final EtcdProtocol protocol;

    private final String key;

    private final boolean recursive;

    private final Consumer<EtcdResponse> listener;

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
     * Creates a watch, reading where it starts unless the options say; {@link #start(Executor)} runs it.
     *
     * @param protocol the protocol to watch through
     * @param key the normalised key
     * @param options the options
     * @param listener receives the changes
     * @param backoff the pauses after failures, started afresh after each success
     * @param pollTimeout how long one poll or stream lasts before it is asked again
     * @param onClose told once when the watch is closed
     * @param aborter ends the watch thread's request when the watch closes
     * @param clientListener told of reconnects and resyncs
     */
    public WatchLoop(EtcdProtocol protocol, String key, WatchOptions options, Consumer<EtcdResponse> listener,
            EtcdBackoff backoff, Duration pollTimeout, Consumer<EtcdWatch> onClose,
            RequestAborter aborter, EtcdClientListener clientListener) {
        this.protocol = protocol;
        this.key = key;
        this.recursive = options.isRecursive();
        this.listener = listener;
        this.errorHandler = options.getErrorHandler();
        this.backoff = backoff;
        this.pollTimeout = pollTimeout;
        this.onClose = onClose;
        this.task = new BackgroundTask("etcd-watch " + key, aborter);
        this.clientListener = clientListener;
        this.nextIndex = options.getFromIndex();
        if (this.nextIndex == 0) {
            try {
                // Read now, so that every change after watch() returns is delivered.
                this.nextIndex = protocol.position(key, null).nextIndex();
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
        try {
            executor.execute(this);
        }
        catch (RejectedExecutionException ex) {
            close();
            throw ex;
        }
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
                    this.nextIndex = this.protocol.position(this.key, null).nextIndex();
                    this.delivered = true;
                }
                else {
                    this.pollStart = this.nextIndex;
                    this.protocol.watch(this.key, this.recursive, this.nextIndex, this, this.pollTimeout);
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
     * {@code resync} and continue after it.
     */
    private boolean resync() {
        ReadOptions read = ReadOptions.defaults().recursive(this.recursive).sorted(true);
        EtcdResponse current;
        try {
            current = this.protocol.get(this.key, read);
        }
        catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
            current = new EtcdResponse("get", new EtcdNode(this.key, null, false, 0, 0, null, null, null), null,
                    ex.getIndex(), 0, 0, null, ex.getHttpStatus());
        }
        catch (RuntimeException ex) {
            failed(ex);
            return false;
        }
        logger.info("Watch of {} missed changes from index {} that etcd no longer holds; delivering the state at {}",
                this.key, this.nextIndex, current.etcdIndex());
        this.clientListener.watchResynced(this.key, current.etcdIndex());
        deliver(new EtcdResponse("resync", current.node(), null, current.etcdIndex(), current.raftIndex(),
                current.raftTerm(), current.clusterId(), current.httpStatus()));
        this.nextIndex = current.etcdIndex() + 1;
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
    public void event(EtcdResponse event) {
        long index = event.node().modifiedIndex();
        this.delivered = true;
        if (closed() || index < this.pollStart) {
            return;
        }
        this.nextIndex = Math.max(this.nextIndex, index + 1);
        if (!hidden(event.node().key())) {
            deliver(new EtcdResponse(event.action(), event.node(), event.prevNode(), index, event.raftIndex(),
                    event.raftTerm(), event.clusterId(), event.httpStatus()));
        }
    }

    @Override
    public void progress(long index) {
        this.delivered = true;
        this.nextIndex = Math.max(this.nextIndex, index + 1);
    }

    /** A key below the watched one with a {@code _} segment on the way, as v2 leaves out of live watches. */
    private boolean hidden(String changed) {
        String prefix = this.key.equals(EtcdKeys.ROOT) ? EtcdKeys.ROOT : this.key + "/";
        if (!changed.startsWith(prefix)) {
            return false;
        }
        for (String segment : changed.substring(prefix.length()).split("/")) {
            if (segment.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private void deliver(EtcdResponse event) {
        if (closed()) {
            return;
        }
        try {
            this.listener.accept(event);
        }
        catch (RuntimeException | Error ex) {
            logger.error("The listener of the watch of {} failed on the {} of {} at {}; the watch goes on", this.key,
                    event.action(), event.node().key(), event.etcdIndex(), ex);
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
        return "EtcdWatch[" + this.key + (this.recursive ? "/**" : "") + ", next index " + this.nextIndex
                + (closed() ? ", closed" : "") + "]";
    }
}
