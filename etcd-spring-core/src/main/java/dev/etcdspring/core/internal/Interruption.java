// One job: observing a wait that may be interrupted, with the InterruptedException carried through the
// observation's unchecked wrapper and out again as itself.
package dev.etcdspring.core.internal;

/**
 * Runs an interruptible wait (a lock's acquisition, a campaign) as an observation.
 */
final class Interruption {

    private Interruption() {
    }

    /** A wait that may be interrupted. */
    @FunctionalInterface
    interface Wait<T> {

        T run() throws InterruptedException;
    }

    /** Carries the interruption through {@link Observations#observe}, which takes no checked exception. */
    private static final class Carrier extends RuntimeException {

        Carrier(InterruptedException cause) {
            super("interrupted", cause, false, false);
        }
    }

    static <T> T observe(Observations observations, String operation, String key, Wait<T> wait)
            throws InterruptedException {
        try {
            return observations.observe(operation, key, (context) -> {
                try {
                    return wait.run();
                }
                catch (InterruptedException ex) {
                    throw new Carrier(ex);
                }
            });
        }
        catch (Carrier ex) {
            throw (InterruptedException) ex.getCause();
        }
    }
}
