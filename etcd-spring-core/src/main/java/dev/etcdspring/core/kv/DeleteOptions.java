// One job: the options of a v3 delete (etcdctl del's flags): which keys, and whether to return what was deleted.
package dev.etcdspring.core.kv;

import java.time.Duration;

/**
 * Options of a delete, immutable: {@code DeleteOptions.prefix().prevKv(true)}. The defaults delete the key
 * alone, return no previous values, and use the template's timeout.
 */
public final class DeleteOptions {

    private static final DeleteOptions DEFAULTS = new DeleteOptions();

    private KeyRange range = KeyRange.single();

    private boolean prevKv;

    private Duration timeout;

    private DeleteOptions() {
    }

    private DeleteOptions(DeleteOptions other) {
        this.range = other.range;
        this.prevKv = other.prevKv;
        this.timeout = other.timeout;
    }

    /**
     * The defaults: the key alone.
     *
     * @return the default options
     */
    public static DeleteOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Every key that starts with the key's bytes.
     *
     * @return options for a prefix
     */
    public static DeleteOptions prefix() {
        return DEFAULTS.range(KeyRange.prefix());
    }

    /**
     * Which keys are deleted.
     *
     * @param range the range; must not be {@code null}
     * @return new options
     */
    public DeleteOptions range(KeyRange range) {
        DeleteOptions copy = new DeleteOptions(this);
        copy.range = KvChecks.notNull(range, "range");
        return copy;
    }

    /**
     * Whether the result carries the deleted keys with their values.
     *
     * @param prevKv whether to return them
     * @return new options
     */
    public DeleteOptions prevKv(boolean prevKv) {
        DeleteOptions copy = new DeleteOptions(this);
        copy.prevKv = prevKv;
        return copy;
    }

    /**
     * How long to wait for the answer, instead of the template's timeout.
     *
     * @param timeout a positive duration
     * @return new options
     */
    public DeleteOptions timeout(Duration timeout) {
        DeleteOptions copy = new DeleteOptions(this);
        copy.timeout = KvChecks.positive(timeout, "timeout");
        return copy;
    }

    /**
     * Which keys are deleted.
     *
     * @return the range
     */
    public KeyRange getRange() {
        return this.range;
    }

    /**
     * Whether the deleted keys are returned.
     *
     * @return whether to return them
     */
    public boolean isPrevKv() {
        return this.prevKv;
    }

    /**
     * The timeout.
     *
     * @return the timeout, or {@code null} for the template's
     */
    public Duration getTimeout() {
        return this.timeout;
    }

    @Override
    public String toString() {
        return "DeleteOptions[range=" + this.range + ", prevKv=" + this.prevKv + ", timeout=" + this.timeout + "]";
    }
}
