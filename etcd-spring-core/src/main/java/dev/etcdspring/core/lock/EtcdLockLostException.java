// One job: the exception that says a held lock, or a leadership, was or may have been lost, and why.
package dev.etcdspring.core.lock;

/**
 * A held lock, or a leadership, is or may be lost. Integrations throw it where their contract wants an exception
 * for a lost lock; the template's observations end a {@code lock-hold} or {@code leadership} with it (outcome
 * {@code LOST}).
 */
public class EtcdLockLostException extends RuntimeException {

    private final String name;

    private final LockLoss reason;

    /**
     * Creates an exception.
     *
     * @param message the full message
     * @param name the lock or election
     * @param reason why it was lost
     * @param cause the last failure of a renewal, or {@code null}
     */
    public EtcdLockLostException(String message, String name, LockLoss reason, Throwable cause) {
        super(message, cause);
        this.name = name;
        this.reason = reason;
    }

    /**
     * The lock or election.
     *
     * @return its name
     */
    public String getName() {
        return this.name;
    }

    /**
     * Why it was lost.
     *
     * @return the reason
     */
    public LockLoss getReason() {
        return this.reason;
    }
}
