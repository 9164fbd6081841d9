package dev.etcdspring.core.internal;

/**
 * A watch's long poll or stream outlived the time it is given without the server failing: nothing happened, and
 * the watch simply asks again from where it was.
 */
public final class PollTimeout extends RuntimeException {

    /**
     * Creates the signal.
     *
     * @param cause the client's timeout
     */
    public PollTimeout(Throwable cause) {
        super("the watch's poll timed out", cause);
    }
}
