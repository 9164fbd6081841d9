package dev.etcdspring.core.internal;

/**
 * Aborts the request a thread has in flight, for an HTTP backend that does not end a request when its answer's body
 * is closed before anything arrived (Jetty's, for a long poll still waiting for its event). A watch's thread is
 * tracked while the watch runs and aborted when it closes.
 */
public interface RequestAborter {

    /**
     * Starts remembering the latest request of a thread.
     *
     * @param thread the thread
     */
    void track(Thread thread);

    /**
     * Aborts the latest request of a tracked thread, if it is still in flight, and every request it sends later.
     *
     * @param thread the thread
     */
    void abort(Thread thread);

    /**
     * Forgets a thread, once it has ended.
     *
     * @param thread the thread
     */
    void untrack(Thread thread);
}
