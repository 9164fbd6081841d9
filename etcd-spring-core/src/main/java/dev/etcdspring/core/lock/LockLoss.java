// One job: why a held lock (or leadership) was, or may have been, lost.
package dev.etcdspring.core.lock;

/**
 * Why a held lock, or a leadership, stopped being held.
 */
public enum LockLoss {

    /** The holder's key was deleted by someone else (etcdctl, another client). */
    DELETED,

    /** etcd said the key's lease (v3) or time to live (v2) is gone: it expired, or was revoked elsewhere. */
    EXPIRED,

    /**
     * No renewal was acknowledged before the safe deadline (send time of the last acknowledged renewal plus the time
     * to live): etcd may have expired the key, and another contender may hold the lock from then on.
     */
    DEADLINE_PASSED
}
