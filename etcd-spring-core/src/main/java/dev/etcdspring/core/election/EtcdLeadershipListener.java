// One job: the callback of a leadership's loss.
package dev.etcdspring.core.election;

import dev.etcdspring.core.lock.LockLoss;

/**
 * Hears that this candidate's leadership is, or may be, lost. Called once, on a background thread of the template,
 * at the moment {@link EtcdLeadership#isLeader()} turned {@code false}; it must not block for long. It is not
 * called for a leadership resigned by its holder.
 */
@FunctionalInterface
public interface EtcdLeadershipListener {

    /**
     * The leadership is lost, or may be.
     *
     * @param leadership the leadership
     * @param reason why
     * @param cause the last failure of a renewal for {@link LockLoss#DEADLINE_PASSED}; {@code null} otherwise
     */
    void leadershipLost(EtcdLeadership leadership, LockLoss reason, Throwable cause);
}
