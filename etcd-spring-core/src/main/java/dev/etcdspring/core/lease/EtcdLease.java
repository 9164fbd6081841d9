// One job: a lease the client keeps alive: its id, whether it still lives, and who hears of its loss.
package dev.etcdspring.core.lease;

import java.time.Duration;

/**
 * A lease renewed by the template, from {@link EtcdLeaseOperations#keepAlive}: one renewal request a third of its
 * time to live after the last one was acknowledged (the HTTP gateway does not stream keep-alives), on the
 * template's executor.
 *
 * <p>{@link #isAlive()} turns {@code false}, and the listeners hear once, as soon as the lease is or may be lost:
 * etcd answers a renewal without a time to live (the lease expired or was revoked elsewhere), or no renewal was
 * acknowledged before the safe deadline, the send time of the last acknowledged renewal plus the time to live it
 * was granted, by this JVM's monotonic clock. Until then etcd cannot have expired it. The keep-alive then stops;
 * a lost lease does not come back.
 *
 * <p>{@link #close()} stops the renewals and revokes the lease; the template's close stops them too. Neither is
 * a loss: the listeners are not called.
 */
public interface EtcdLease extends AutoCloseable {

    /**
     * The lease's id.
     *
     * @return the id
     */
    long id();

    /**
     * The time to live the lease is renewed to.
     *
     * @return the granted time to live
     */
    Duration ttl();

    /**
     * Whether the lease is certainly alive: renewed, with its safe deadline ahead, and neither closed nor lost.
     *
     * @return {@code false} once the lease is, or may be, gone
     */
    boolean isAlive();

    /**
     * How long the lease is certainly alive without another acknowledged renewal.
     *
     * @return the time until the safe deadline; zero once it passed, or the lease is lost or closed
     */
    Duration remaining();

    /**
     * Adds a listener told once when the lease is lost; at once if it already is.
     *
     * @param listener the listener; must not be {@code null}
     */
    void addListener(EtcdLeaseListener listener);

    /**
     * Stops the renewals and revokes the lease, which deletes its keys. Idempotent; a failure to revoke is logged
     * (the lease then expires by itself after its time to live).
     */
    @Override
    void close();
}
