package dev.etcdspring.core.internal;

import dev.etcdspring.core.EtcdException;

/**
 * The pause between the rounds of a retried operation (swap, a compare with the empty value, createInOrder).
 */
public final class Pauses {

    private Pauses() {
    }

    /**
     * Sleeps; an interrupt ends the operation with an exception that says so, and keeps the thread interrupted.
     *
     * @param millis how long to pause
     * @param key the key of the operation
     * @param interrupted the message should the pause be interrupted: what happened to the operation
     * @throws EtcdException if the thread is interrupted
     */
    public static void sleep(long millis, String key, String interrupted) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new EtcdException(interrupted, new EtcdException.Details(0, 0, 0, null, null, key, false), ex);
        }
    }
}
