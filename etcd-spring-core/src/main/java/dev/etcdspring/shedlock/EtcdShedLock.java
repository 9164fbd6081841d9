// One job: a held ShedLock lock: unlock keeps the key until lockAtLeastFor has passed, extend gives it a new
// lockAtMostFor, both only while the key is this holder's.
package dev.etcdspring.shedlock;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import net.javacrumbs.shedlock.core.AbstractSimpleLock;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock from {@link EtcdLockProvider}. {@link AbstractSimpleLock} makes it single-use: after an unlock or an
 * extension it throws {@link IllegalStateException}.
 */
final class EtcdShedLock extends AbstractSimpleLock {

    private static final Logger logger = LoggerFactory.getLogger(EtcdShedLock.class);

    private final LockStore store;

    private final HeldKey held;

    private final String value;

    EtcdShedLock(LockConfiguration configuration, LockStore store, HeldKey held, String value) {
        super(configuration);
        this.store = store;
        this.held = held;
        this.value = value;
    }

    /**
     * Before {@code lockAtLeastUntil}, gives the key a time to live that ends then (rounded up) instead of deleting
     * it; after it, deletes the key. When {@code lockAtLeastFor} equals {@code lockAtMostFor} there is nothing to
     * write: the key already expires then.
     */
    @Override
    protected void doUnlock() {
        Instant now = ClockProvider.now();
        Instant atLeastUntil = this.lockConfiguration.getLockAtLeastUntil();
        if (!atLeastUntil.isAfter(now)) {
            if (!this.store.delete(this.held)) {
                expiredBefore("it was unlocked");
            }
        }
        else if (atLeastUntil.isBefore(this.lockConfiguration.getLockAtMostUntil())) {
            if (this.store.retime(this.held, this.value, ttlUntil(atLeastUntil)).isEmpty()) {
                expiredBefore("it was unlocked");
            }
        }
    }

    /**
     * Gives the key a time to live of the new {@code lockAtMostFor}, from now, if it is still this holder's and its
     * {@code lockAtMostFor} has not passed: a lock past it is expired by ShedLock's rules even while etcd, which
     * counts whole seconds, still has its key, so the key is deleted and nothing returned.
     */
    @Override
    protected Optional<SimpleLock> doExtend(LockConfiguration newConfiguration) {
        if (!ClockProvider.now().isBefore(this.lockConfiguration.getLockAtMostUntil())) {
            this.store.delete(this.held);
            return Optional.empty();
        }
        Optional<HeldKey> extended = this.store.retime(this.held, this.value,
                ttlUntil(newConfiguration.getLockAtMostUntil()));
        if (extended.isEmpty()) {
            expiredBefore("it was extended");
        }
        return extended.map((key) -> new EtcdShedLock(newConfiguration, this.store, key, this.value));
    }

    private void expiredBefore(String what) {
        logger.warn("ShedLock lock '{}' ({}) had expired before {}: it was held longer than lockAtMostFor {}",
                this.lockConfiguration.getName(), this.held.key(), what, this.lockConfiguration.getLockAtMostFor());
    }

    /**
     * The time to live of a key that must last until {@code until}: whole seconds (etcd's unit), rounded up, at
     * least one.
     *
     * @param until when the key may expire
     * @return the time to live
     */
    static Duration ttlUntil(Instant until) {
        long millis = Duration.between(ClockProvider.now(), until).toMillis();
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }

    @Override
    public String toString() {
        return "EtcdShedLock[" + this.lockConfiguration.getName() + ": " + this.held.key() + "]";
    }
}
