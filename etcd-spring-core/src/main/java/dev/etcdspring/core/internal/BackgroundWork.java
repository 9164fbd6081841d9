package dev.etcdspring.core.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of a template's background work (each watch's loop, each health check): the executor a template
 * makes for itself when the application gives it none, and the naming of a thread while it does such work.
 */
public final class BackgroundWork {

    /** How long an idle thread of the default executor waits for the next task before it ends. */
    private static final long KEEP_ALIVE_SECONDS = 60;

    private BackgroundWork() {
    }

    /**
     * The executor of a template that was given none: a thread per task running at once (a watch's task lasts as
     * long as the watch), idle threads reused for the next task and ended after a minute without one.
     *
     * @param threadFactory makes the threads, or {@code null} for daemon threads named {@code etcd-background-N}
     * @return the executor, for its template to shut down
     */
    public static ExecutorService newDefaultExecutor(ThreadFactory threadFactory) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), (threadFactory != null) ? threadFactory : daemonThreads());
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return (task) -> {
            Thread thread = new Thread(task, "etcd-background-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Runs a task with the current thread renamed for it, and gives the thread its name back afterwards.
     *
     * @param name the name while the task runs
     * @param task the task
     */
    public static void runNamed(String name, Runnable task) {
        Thread thread = Thread.currentThread();
        String previous = thread.getName();
        thread.setName(name);
        try {
            task.run();
        }
        finally {
            thread.setName(previous);
        }
    }
}
