// One job: why a kept-alive lease is lost.
package dev.etcdspring.core.lease;

/**
 * Why a kept-alive lease stopped being alive.
 */
public enum LeaseLoss {

    /** etcd answered a renewal without a time to live: the lease expired, or was revoked by another client. */
    EXPIRED,

    /**
     * No renewal was acknowledged before the safe deadline: etcd may have expired the lease (it was out of reach,
     * or answered too slowly).
     */
    DEADLINE_PASSED
}
