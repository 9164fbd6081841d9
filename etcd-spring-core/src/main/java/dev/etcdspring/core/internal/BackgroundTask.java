// One job: running one long task on an executor's thread that may be a pooled one, and stopping it: the thread is
// renamed and tracked only while it runs the task, and an interrupt of stop()'s is cleared before it goes back.
package dev.etcdspring.core.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The thread mechanics of a long task such as a watch's loop. The thread may be a pooled one that runs other tasks
 * before and after: {@link #run(Runnable)} renames it, and has the {@link RequestAborter} track it, only while the
 * task runs; {@link #stop(Runnable)} aborts and interrupts it only while it still runs this task (under
 * {@link #lock}), and an interrupt of stop()'s is cleared before the thread goes back. A task stopped before it
 * began never runs, and only the first {@code run} runs it.
 */
final class BackgroundTask {

    /** How long {@link #stop(Runnable)} waits for the task to end. */
    private static final long STOP_WAIT_MILLIS = 1000;

    /** The thread's name while it runs the task. */
    private final String name;

    private final RequestAborter aborter;

    /** Guards {@link #started}, {@link #runner}, {@link #interrupted} and the setting of {@link #stopped}. */
    private final Object lock = new Object();

    /** Whether the task has begun (or was skipped, being stopped first). */
    private boolean started;

    /** The thread running the task, while it runs it; else {@code null}. */
    private Thread runner;

    /** Whether stop() interrupted the runner: the interrupt is cleared before the thread goes back. */
    private boolean interrupted;

    /** Opens when the task has ended, or will not run. */
    private final CountDownLatch finished = new CountDownLatch(1);

    private volatile boolean stopped;

    /**
     * Creates the mechanics of one task.
     *
     * @param name the thread's name while it runs the task
     * @param aborter tracks the thread while it runs the task, and ends its request when the task is stopped
     */
    BackgroundTask(String name, RequestAborter aborter) {
        this.name = name;
        this.aborter = aborter;
    }

    /**
     * Hands a long task to an executor, and closes what it serves when the executor refuses it.
     *
     * @param executor the executor
     * @param task the task
     * @param onRefusal closes the watch or lease the task would have run
     * @throws RejectedExecutionException when the executor refuses the task
     */
    static void execute(Executor executor, Runnable task, Runnable onRefusal) {
        try {
            executor.execute(task);
        }
        catch (RejectedExecutionException ex) {
            onRefusal.run();
            throw ex;
        }
    }

    /**
     * Runs the task on the current thread, unless it has run or is stopped already.
     *
     * @param task the task, which ends once {@link #isStopped()}
     */
    void run(Runnable task) {
        Thread current = Thread.currentThread();
        synchronized (this.lock) {
            boolean skip = this.started || this.stopped;
            if (!this.started && this.stopped) {
                this.finished.countDown();
            }
            this.started = true;
            if (skip) {
                return;
            }
            this.runner = current;
            this.aborter.track(current);
        }
        String previous = current.getName();
        current.setName(this.name);
        try {
            task.run();
        }
        finally {
            boolean clearInterrupt;
            synchronized (this.lock) {
                this.runner = null;
                this.aborter.untrack(current);
                clearInterrupt = this.interrupted;
            }
            if (clearInterrupt) {
                Thread.interrupted();
            }
            current.setName(previous);
            this.finished.countDown();
        }
    }

    /**
     * Stops the task: aborts its thread's request, runs {@code release} (to close what the task blocks on), then
     * interrupts the thread (unless called from it) and waits for the task to end; a task that has not begun yet
     * never runs.
     *
     * @param release closes what the task may be blocked on, after the abort and before the interrupt
     * @return whether this call stopped it: {@code false} when it was stopped already
     */
    boolean stop(Runnable release) {
        Thread running;
        synchronized (this.lock) {
            if (this.stopped) {
                return false;
            }
            this.stopped = true;
            running = this.runner;
            if (running != null) {
                this.aborter.abort(running);
            }
        }
        release.run();
        if (running != null && running != Thread.currentThread()) {
            synchronized (this.lock) {
                if (this.runner == running) {
                    running.interrupt();
                    this.interrupted = true;
                }
            }
            try {
                this.finished.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }

    /**
     * Whether {@link #stop(Runnable)} was called.
     *
     * @return whether the task is stopped
     */
    boolean isStopped() {
        return this.stopped;
    }
}
