// One job: the election operations' contract: campaign, the leader now, and observing leaders.
package dev.etcdspring.core.election;

import java.util.Optional;
import java.util.function.Consumer;

import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.lock.LockOptions;

/**
 * Leader election, from {@link dev.etcdspring.core.EtcdOperations#opsForElections()}, on both of etcd's APIs, built
 * by the client (not on etcd's {@code /v3/election} service, whose 3.4 server can declare two winners).
 */
public interface EtcdElectionOperations {

    /**
     * Campaigns with the default options, waiting until this candidate leads.
     *
     * @param election the election's name; must not be {@code null} or empty
     * @param value the value to proclaim; must not be {@code null}
     * @return the leadership
     * @throws InterruptedException when the thread is interrupted while waiting (the candidacy is withdrawn)
     */
    default EtcdLeadership campaign(String election, String value) throws InterruptedException {
        return campaign(election, value, LockOptions.defaults());
    }

    /**
     * Campaigns: joins the candidates and waits until this one leads, or the options' wait bound runs out.
     *
     * @param election the election's name; must not be {@code null} or empty
     * @param value the value to proclaim; must not be {@code null}; it takes the place of the options' value
     * @param options the time to live, the wait bound and the timeout; must not be {@code null}
     * @return the leadership
     * @throws dev.etcdspring.core.lock.EtcdLockTimeoutException when the wait ran out (the candidacy is withdrawn)
     * @throws InterruptedException when the thread is interrupted while waiting (the candidacy is withdrawn)
     */
    EtcdLeadership campaign(String election, String value, LockOptions options) throws InterruptedException;

    /**
     * The leader now (a linearizable read).
     *
     * @param election the election's name; must not be {@code null} or empty
     * @return the leader, or empty when there is none
     */
    Optional<Leader> leader(String election);

    /**
     * Observes an election: the listener hears the leader now, then every change of leader or of its proclaimed
     * value, and {@link Optional#empty()} when there is no leader (the last one left with no candidate after it).
     * The observation survives reconnects and compactions (it reads the leader again) until it is closed.
     *
     * @param election the election's name; must not be {@code null} or empty
     * @param listener hears each change, one at a time, in order; must not be {@code null}
     * @return the running observation; close it to stop
     */
    EtcdWatch observe(String election, Consumer<Optional<Leader>> listener);
}
