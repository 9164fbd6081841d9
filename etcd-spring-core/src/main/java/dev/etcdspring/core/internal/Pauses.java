package dev.etcdspring.core.internal;

import dev.etcdspring.core.EtcdException;

import org.springframework.util.backoff.BackOffExecution;

/**
 * The pause between the rounds of a retried operation (swap, a compare with the empty value, createInOrder).
 */
public final class Pauses {

    private Pauses() {
    }

    /**
     * Pauses for the next interval of a backoff, unless the backoff says the attempts are used up.
     *
     * @param pauses the backoff's sequence of pauses, one per operation
     * @param key the key of the operation
     * @param interrupted the message should the pause be interrupted: what happened to the operation
     * @return {@code true} after a pause, {@code false} without one when the backoff said
     *         {@link BackOffExecution#STOP}
     * @throws EtcdException if the thread is interrupted
     */
    public static boolean next(BackOffExecution pauses, String key, String interrupted) {
        long millis = pauses.nextBackOff();
        if (millis == BackOffExecution.STOP) {
            return false;
        }
        sleep(millis, key, interrupted);
        return true;
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
            throw new EtcdException(interrupted, EtcdException.Details.forKey(key).build(), ex);
        }
    }
}
