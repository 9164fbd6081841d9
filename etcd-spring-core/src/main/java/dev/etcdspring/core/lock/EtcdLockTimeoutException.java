// One job: the exception of a wait for a lock or a leadership that ran out.
package dev.etcdspring.core.lock;

import java.time.Duration;

/**
 * A wait for a lock ({@link EtcdLockOperations#acquire}), or for leadership
 * ({@link dev.etcdspring.core.election.EtcdElectionOperations#campaign}), ran out before it was granted. Nothing of
 * the attempt is left in etcd: its key was deleted (and on v3 its lease revoked).
 */
public class EtcdLockTimeoutException extends RuntimeException {

    private final String name;

    private final Duration waited;

    /**
     * Creates an exception.
     *
     * @param message the full message
     * @param name the lock or election
     * @param waited how long the wait was bounded to
     */
    public EtcdLockTimeoutException(String message, String name, Duration waited) {
        super(message);
        this.name = name;
        this.waited = waited;
    }

    /**
     * The lock or election waited for.
     *
     * @return its name
     */
    public String getName() {
        return this.name;
    }

    /**
     * The bound of the wait that ran out.
     *
     * @return the bound
     */
    public Duration getWaited() {
        return this.waited;
    }
}
