// One job: EtcdElectionOperations over a coordination queue: campaign, the leader now, observing leaders.
package dev.etcdspring.core.internal;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.election.EtcdElectionOperations;
import dev.etcdspring.core.election.EtcdLeadership;
import dev.etcdspring.core.election.Leader;
import dev.etcdspring.core.lock.EtcdLockTimeoutException;
import dev.etcdspring.core.lock.LockOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elections on either API: a campaign is a lock's acquisition with the proclaimed value in the key; the leader is
 * the queue's head; an observation reads the head again after every change of the queue, and tells only changes.
 */
public final class QueuedElectionOperations implements EtcdElectionOperations {

    private static final Logger logger = LoggerFactory.getLogger(QueuedElectionOperations.class);

    /** The pause before an observation reads the leader again after a failed read. */
    private static final long REREAD_PAUSE_MILLIS = 200;

    private final CoordinationQueue queue;

    private final Observations observations;

    /**
     * Creates the operations; the template does.
     *
     * @param queue the queue of the template's API
     * @param observations observes each campaign ({@code campaign}, its wait included) and each leadership
     *     ({@code leadership}, from the win to the resignation or the loss)
     */
    public QueuedElectionOperations(CoordinationQueue queue, Observations observations) {
        this.queue = queue;
        this.observations = observations;
    }

    @Override
    public EtcdLeadership campaign(String election, String value, LockOptions options) throws InterruptedException {
        String checked = this.queue.checkName(election, "election");
        if (value == null) {
            throw new IllegalArgumentException("the value to proclaim in election '" + election + "' must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null (use LockOptions.defaults())");
        }
        QueueAcquisition.Acquired acquired = Interruption.observe(this.observations, "campaign", election, () -> {
            QueueAcquisition.Acquired won = QueueAcquisition.acquire(this.queue, checked, value, options.getTtl(),
                    options.getWaitAtMost(), options.getTimeout());
            if (won == null) {
                throw new EtcdLockTimeoutException("the election '" + election + "' was not won within "
                        + options.getWaitAtMost() + ": another candidate led, or campaigned first, all that time; "
                        + "the candidacy is withdrawn", election, options.getWaitAtMost());
            }
            return won;
        });
        return new QueuedLeadership(election, this.queue,
                HeldEntry.hold(this.queue, acquired, election, this.observations.start("leadership", election)));
    }

    @Override
    public Optional<Leader> leader(String election) {
        return leader(election, this.queue.head(this.queue.checkName(election, "election"), null));
    }

    private static Optional<Leader> leader(String election, CoordinationQueue.Head head) {
        return head.isEmpty() ? Optional.empty()
                : Optional.of(new Leader(election, head.key(), head.token(), head.value()));
    }

    @Override
    public EtcdWatch observe(String election, Consumer<Optional<Leader>> listener) {
        String checked = this.queue.checkName(election, "election");
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        CoordinationQueue.Head head = this.queue.head(checked, null);
        AtomicReference<Optional<Leader>> told = new AtomicReference<>(leader(election, head));
        listener.accept(told.get());
        AtomicReference<EtcdWatch> watch = new AtomicReference<>();
        Runnable changed = () -> {
            Optional<Leader> now = readLeader(election, checked, watch);
            if (now != null && !now.equals(told.getAndSet(now))) {
                listener.accept(now);
            }
        };
        watch.set(this.queue.watch(checked, head.revision() + 1, changed, null));
        return watch.get();
    }

    /** The leader, read again until a read succeeds; {@code null} when the observation closed meanwhile. */
    private Optional<Leader> readLeader(String election, String checked, AtomicReference<EtcdWatch> watch) {
        while (true) {
            try {
                return leader(election, this.queue.head(checked, null));
            }
            catch (RuntimeException ex) {
                EtcdWatch current = watch.get();
                if (current != null && !current.isOpen()) {
                    return null;
                }
                logger.warn("Reading the leader of election '{}' failed ({}); trying again", election, ex.getMessage());
                try {
                    TimeUnit.MILLISECONDS.sleep(REREAD_PAUSE_MILLIS);
                }
                catch (InterruptedException interrupted) {
                    // The observation is closing.
                    return null;
                }
            }
        }
    }
}
