// One job: what the parts of a template may start that live until they are closed or the template is: watches
// and kept-alive leases, run on the template's executor and closed with it.
package dev.etcdspring.core.internal;

import java.util.function.Consumer;

import dev.etcdspring.core.EtcdWatch;

/**
 * The long-lived work of a template, for the operations objects behind its {@code opsFor...()} methods.
 */
public interface TemplateScope {

    /**
     * Starts a watch on the template's executor, with its watch backoff and poll timeout, closed with the template.
     *
     * @param source what is watched
     * @param fromIndex the first index to deliver, or 0 for now
     * @param errorHandler receives the failures, or {@code null}
     * @param listener receives the changes
     * @param <E> the type of the changes
     * @return the running watch
     */
    <E> EtcdWatch watch(WatchSource<E> source, long fromIndex, Consumer<Throwable> errorHandler,
            Consumer<E> listener);

    /**
     * Starts a lease's keep-alive on the template's executor; the template's close closes it.
     *
     * @param lease the keep-alive, not yet started
     * @return the lease
     */
    KeepAliveLoop keepAlive(KeepAliveLoop lease);

    /**
     * What a keep-alive tells when it ends: the scope forgets it.
     *
     * @param lease the keep-alive
     */
    void ended(KeepAliveLoop lease);

    /**
     * Ends the requests of the scope's background threads when they are stopped.
     *
     * @return the aborter
     */
    RequestAborter aborter();
}
