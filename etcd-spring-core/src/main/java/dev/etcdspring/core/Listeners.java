package dev.etcdspring.core;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several {@link EtcdClientListener}s as one: each is told in turn, and one that throws is logged and does not keep
 * the others (or the operation) from going on.
 */
public final class Listeners implements EtcdClientListener {

    private static final Logger logger = LoggerFactory.getLogger(Listeners.class);

    private static final EtcdClientListener NONE = new EtcdClientListener() {
    };

    private final List<EtcdClientListener> listeners;

    private Listeners(List<EtcdClientListener> listeners) {
        this.listeners = listeners;
    }

    /**
     * The listeners as one.
     *
     * @param listeners the listeners, as they are at each event: a list that grows later (a
     *        {@link java.util.concurrent.CopyOnWriteArrayList}) tells the listeners added since too
     * @return one listener that tells them all
     */
    public static EtcdClientListener of(List<EtcdClientListener> listeners) {
        return new Listeners(listeners);
    }

    /** A fixed set of listeners as one, or a listener that does nothing for none. */
    static EtcdClientListener fixed(List<EtcdClientListener> listeners) {
        return listeners.isEmpty() ? NONE : new Listeners(List.copyOf(listeners));
    }

    @Override
    public void swapFinished(String key, int attempts, boolean swapped) {
        for (EtcdClientListener listener : this.listeners) {
            try {
                listener.swapFinished(key, attempts, swapped);
            }
            catch (RuntimeException ex) {
                logger.warn("An etcd client listener failed on a swap of {}", key, ex);
            }
        }
    }

    @Override
    public void watchReconnecting(String key, Throwable cause) {
        for (EtcdClientListener listener : this.listeners) {
            try {
                listener.watchReconnecting(key, cause);
            }
            catch (RuntimeException ex) {
                logger.warn("An etcd client listener failed on a reconnect of the watch of {}", key, ex);
            }
        }
    }

    @Override
    public void watchResynced(String key, long index) {
        for (EtcdClientListener listener : this.listeners) {
            try {
                listener.watchResynced(key, index);
            }
            catch (RuntimeException ex) {
                logger.warn("An etcd client listener failed on a resync of the watch of {}", key, ex);
            }
        }
    }
}
