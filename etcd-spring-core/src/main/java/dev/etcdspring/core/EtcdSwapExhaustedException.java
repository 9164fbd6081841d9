package dev.etcdspring.core;

/**
 * {@link EtcdOperations#swap} gave up: the key kept changing between its read and its compare-and-set until
 * the attempts or the time allowed by the template ran out. The key was not changed by the swap. The cause is
 * the last {@link EtcdCompareFailedException}; none when the time ran out while the swap waited for the other swaps
 * of the same key in the same template (they take turns), before it tried at all. A compare with the empty value on the v2 API, which is also a read
 * followed by a conditional write, gives up the same way.
 */
public class EtcdSwapExhaustedException extends EtcdException {

    private final int attempts;

    /**
     * Creates an exception.
     *
     * @param message the full message
     * @param details the key and the last compare failure's details
     * @param attempts how many compare-and-sets were tried
     * @param cause the last compare failure
     */
    public EtcdSwapExhaustedException(String message, Details details, int attempts, Throwable cause) {
        super(message, details, cause);
        this.attempts = attempts;
    }

    /**
     * How many compare-and-sets the swap tried before giving up.
     *
     * @return the number of attempts
     */
    public int getAttempts() {
        return this.attempts;
    }
}
