// One job: the callback of a kept-alive lease's loss.
package dev.etcdspring.core.lease;

/**
 * Hears that a kept-alive lease is, or may be, lost. Called once, on the keep-alive's thread (or on the thread
 * that adds it, for a lease already lost); it must not block for long. It may {@link EtcdLease#close() close} the
 * lease, which revokes it unless etcd said it is gone: after {@link LeaseLoss#DEADLINE_PASSED} etcd may still hold
 * it, and its keys, until its time to live runs out.
 */
@FunctionalInterface
public interface EtcdLeaseListener {

    /**
     * The lease is lost, or may be.
     *
     * @param lease the lease
     * @param reason why
     * @param cause the last failure of a renewal, for {@link LeaseLoss#DEADLINE_PASSED}; {@code null} otherwise
     */
    void leaseLost(EtcdLease lease, LeaseLoss reason, Throwable cause);
}
