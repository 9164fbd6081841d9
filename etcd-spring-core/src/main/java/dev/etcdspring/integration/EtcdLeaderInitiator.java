// One job: Spring Integration's leader initiator on etcd: campaign on a background thread, tell the candidate and
// the application when leadership is granted and when it is revoked, then campaign again.
package dev.etcdspring.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.etcdspring.core.EtcdBackoff;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.election.EtcdElectionOperations;
import dev.etcdspring.core.election.EtcdLeadership;
import dev.etcdspring.core.election.Leader;
import dev.etcdspring.core.lock.LockOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.DefaultLeaderEventPublisher;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.util.backoff.BackOffExecution;

/**
 * A Spring Integration leader initiator on etcd, as {@code LockRegistryLeaderInitiator} and Zookeeper's
 * {@code LeaderInitiator} are for their stores: a {@link SmartLifecycle} that, once started, campaigns for its
 * {@link Candidate}'s role in the election {@code prefix + role} ({@code elections/<role>} by default) through
 * {@link EtcdOperations#opsForElections()}, proclaiming the candidate's id, on a thread of its
 * {@linkplain #setTaskExecutor(Executor) executor}.
 *
 * <p>When the candidate is elected, the initiator calls {@link Candidate#onGranted(Context)} and publishes an
 * {@code OnGrantedEvent}; when the leadership ends, whether lost (its key deleted or expired, or no renewal
 * acknowledged before its safe deadline), {@linkplain Context#yield() yielded}, or ended by {@link #stop()}, it calls
 * {@link Candidate#onRevoked(Context)}, publishes an {@code OnRevokedEvent}, resigns (deleting its key, which makes
 * the next candidate leader), and, unless stopped, campaigns again at once. Nothing polls: the campaign waits on a
 * watch of the candidate before it, and the leadership's loss is its listener's. {@code onGranted} runs on the
 * initiator's thread and may do the leader's work there: the thread is interrupted when the leadership ends, as
 * {@link Candidate#onGranted(Context)} says; an exception from it gives the leadership up.
 *
 * <p>The events go to the {@linkplain #setLeaderEventPublisher(LeaderEventPublisher) leader event publisher}, by
 * default a {@link DefaultLeaderEventPublisher} of the application context's events, and each carries this
 * initiator's {@link EtcdContext}. A failed campaign (etcd out of reach) is tried again after a growing pause,
 * and is published as an {@code OnFailedToAcquireMutexEvent} when {@link #setPublishFailedEvents(boolean)} says so.
 */
public final class EtcdLeaderInitiator implements SmartLifecycle, ApplicationEventPublisherAware, DisposableBean {

    /** The default prefix of the elections' names. */
    public static final String DEFAULT_PREFIX = "elections/";

    private static final Logger logger = LoggerFactory.getLogger(EtcdLeaderInitiator.class);

    /** How long {@link #stop()} waits for the candidate's revocation and the resignation. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** The pauses between failed campaigns. */
    private static final EtcdBackoff RETRY = EtcdBackoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(10))
        .jitter(0.5);

    private final EtcdElectionOperations elections;

    private final Candidate candidate;

    private final String role;

    private final String id;

    private final String election;

    private final LockOptions options;

    /** Guards {@link #current}, and every campaign's state. */
    private final Object monitor = new Object();

    private final EtcdContext stoppedContext = new EtcdContext(null);

    private Executor executor;

    private volatile LeaderEventPublisher leaderEventPublisher;

    private ApplicationEventPublisher applicationEventPublisher;

    private volatile boolean publishFailedEvents;

    private boolean autoStartup = true;

    private int phase = DEFAULT_PHASE - 1000;

    private Campaign current;

    /**
     * Creates an initiator that campaigns in {@code elections/<role>} with a time to live of 15 s.
     *
     * @param etcd the client; must not be {@code null}
     * @param candidate the candidate; must not be {@code null}, with a role and an id
     */
    public EtcdLeaderInitiator(EtcdOperations etcd, Candidate candidate) {
        this(etcd, candidate, DEFAULT_PREFIX, LockOptions.DEFAULT_TTL);
    }

    /**
     * Creates an initiator.
     *
     * @param etcd the client; must not be {@code null}
     * @param candidate the candidate; must not be {@code null}, with a non-empty role and an id
     * @param prefix what the election's name begins with, before the candidate's role; must not be {@code null};
     *     may be empty
     * @param ttl the leadership's time to live, how long it outlives a leader that stopped renewing it: whole
     *     seconds, at least one
     * @throws IllegalArgumentException for a {@code null} argument, a candidate without role or id, or a time to
     *     live that is not whole seconds
     */
    public EtcdLeaderInitiator(EtcdOperations etcd, Candidate candidate, String prefix, Duration ttl) {
        if (etcd == null) {
            throw new IllegalArgumentException("etcd must not be null");
        }
        if (candidate == null) {
            throw new IllegalArgumentException("candidate must not be null");
        }
        if (prefix == null) {
            throw new IllegalArgumentException("prefix must not be null (use \"\" for none)");
        }
        String role = candidate.getRole();
        if (role == null || role.isEmpty()) {
            throw new IllegalArgumentException("candidate's role must not be " + ((role == null) ? "null" : "empty")
                    + ": it names the election");
        }
        String id = candidate.getId();
        if (id == null) {
            throw new IllegalArgumentException("candidate's id must not be null: the leader proclaims it");
        }
        this.options = LockOptions.defaults().ttl(ttl);
        this.elections = etcd.opsForElections();
        this.candidate = candidate;
        this.role = role;
        this.id = id;
        this.election = prefix + role;
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("etcd-leader-");
        threads.setDaemon(true);
        this.executor = threads;
    }

    /**
     * Sets where the campaign runs: one task from {@link #start()} to {@link #stop()}, which waits in etcd while
     * another candidate leads and runs the candidate's callbacks. By default a daemon thread of its own.
     *
     * @param executor the executor; must not be {@code null}
     */
    public void setTaskExecutor(Executor executor) {
        if (executor == null) {
            throw new IllegalArgumentException("executor must not be null");
        }
        this.executor = executor;
    }

    /**
     * Sets who publishes the leadership events; by default a {@link DefaultLeaderEventPublisher} of the
     * {@linkplain #setApplicationEventPublisher(ApplicationEventPublisher) application's events}, made at
     * {@link #start()}.
     *
     * @param leaderEventPublisher the publisher; must not be {@code null}
     */
    public void setLeaderEventPublisher(LeaderEventPublisher leaderEventPublisher) {
        if (leaderEventPublisher == null) {
            throw new IllegalArgumentException("leaderEventPublisher must not be null");
        }
        this.leaderEventPublisher = leaderEventPublisher;
    }

    /**
     * Sets the application's event publisher, which the default leader event publisher publishes to; the
     * application context calls it.
     *
     * @param applicationEventPublisher the publisher
     */
    @Override
    public void setApplicationEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
        this.applicationEventPublisher = applicationEventPublisher;
    }

    /**
     * Sets whether a failed campaign is published as an {@code OnFailedToAcquireMutexEvent}; {@code false} by
     * default. A campaign waiting for another leader is not a failure: only one that could not reach etcd is.
     *
     * @param publishFailedEvents whether to publish them
     */
    public void setPublishFailedEvents(boolean publishFailedEvents) {
        this.publishFailedEvents = publishFailedEvents;
    }

    /**
     * Sets whether the application context starts the initiator; {@code true} by default.
     *
     * @param autoStartup whether it does
     */
    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    /**
     * Sets the lifecycle phase; by default {@code Integer.MAX_VALUE - 1000}, as Spring Integration's initiators.
     *
     * @param phase the phase
     */
    public void setPhase(int phase) {
        this.phase = phase;
    }

    @Override
    public boolean isAutoStartup() {
        return this.autoStartup;
    }

    @Override
    public int getPhase() {
        return this.phase;
    }

    /**
     * Whether the initiator is started: campaigning, or leading.
     *
     * @return whether it is
     */
    @Override
    public boolean isRunning() {
        synchronized (this.monitor) {
            return this.current != null;
        }
    }

    /**
     * Starts campaigning, on a task of the executor. Does nothing when started already.
     */
    @Override
    public void start() {
        Campaign campaign;
        synchronized (this.monitor) {
            if (this.current != null) {
                return;
            }
            if (this.leaderEventPublisher == null && this.applicationEventPublisher != null) {
                this.leaderEventPublisher = new DefaultLeaderEventPublisher(this.applicationEventPublisher);
            }
            campaign = new Campaign();
            this.current = campaign;
        }
        try {
            this.executor.execute(campaign);
        }
        catch (RuntimeException ex) {
            synchronized (this.monitor) {
                if (this.current == campaign) {
                    this.current = null;
                }
            }
            throw ex;
        }
        logger.debug("Started campaigning for {} in {}", this.candidate, this.election);
    }

    /**
     * Stops: withdraws the candidacy, or, while leading, revokes the leadership (the candidate's
     * {@code onRevoked}, the {@code OnRevokedEvent}) and resigns, and returns once that is done (waiting at most
     * 10 s for it). Does nothing when stopped already.
     */
    @Override
    public void stop() {
        Campaign campaign = detach();
        if (campaign == null) {
            return;
        }
        campaign.stop(null);
        if (!campaign.isRunBy(Thread.currentThread())) {
            try {
                if (!campaign.ended.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    logger.warn("The campaign for {} in {} did not end within {} of stop(): the candidate's callbacks "
                            + "may not respond to interrupts", this.candidate, this.election, STOP_WAIT);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops as {@link #stop()} does, without waiting: {@code callback} runs once the leadership is revoked and
     * resigned, or the candidacy withdrawn.
     *
     * @param callback told when stopped
     */
    @Override
    public void stop(Runnable callback) {
        Campaign campaign = detach();
        if (campaign == null) {
            callback.run();
            return;
        }
        campaign.stop(callback);
    }

    private Campaign detach() {
        synchronized (this.monitor) {
            Campaign campaign = this.current;
            this.current = null;
            return campaign;
        }
    }

    /**
     * Stops, as {@link #stop()}.
     */
    @Override
    public void destroy() {
        stop();
    }

    /**
     * The context of the campaign now: whether the candidate leads, its term, yielding.
     *
     * @return the context; one that never leads when the initiator is stopped
     */
    public EtcdContext getContext() {
        synchronized (this.monitor) {
            return (this.current != null) ? this.current.context : this.stoppedContext;
        }
    }

    /**
     * The candidate.
     *
     * @return the candidate
     */
    public Candidate getCandidate() {
        return this.candidate;
    }

    /**
     * The election's name: the prefix and the candidate's role.
     *
     * @return the name
     */
    public String getElection() {
        return this.election;
    }

    /**
     * The leadership's time to live.
     *
     * @return the time to live
     */
    public Duration getTtl() {
        return this.options.getTtl();
    }

    @Override
    public String toString() {
        return "EtcdLeaderInitiator[" + this.election + ", candidate " + this.id + "]";
    }

    /** Where a campaign is; the thread is interrupted only while it campaigns or is in the candidate's onGranted. */
    private enum Stage {

        CAMPAIGNING, PAUSED, GRANTING, LEADING, REVOKING
    }

    /**
     * One campaign, from start() to stop(): campaign, lead, revoke, and again, on one task of the executor.
     * Interrupts come only from {@link #stop} and {@link #revoke}, under the monitor, in the stages that take them;
     * the task clears any left over each time it moves on from such a stage, so that no request of etcd's (the
     * resignation above all) fails for a stale interrupt.
     */
    private final class Campaign implements Runnable {

        private final EtcdContext context = new EtcdContext(this);

        private final CountDownLatch stopping = new CountDownLatch(1);

        private final CountDownLatch ended = new CountDownLatch(1);

        private final List<Runnable> callbacks = new ArrayList<>();

        private boolean stopped;

        private boolean done;

        private Thread thread;

        private Stage stage = Stage.CAMPAIGNING;

        /** The leadership while granted and not yet revoked. */
        private EtcdLeadership leadership;

        /** Counted down when {@link #leadership} is to be revoked. */
        private CountDownLatch revocation;

        private String revocationReason;

        @Override
        public void run() {
            synchronized (EtcdLeaderInitiator.this.monitor) {
                if (!this.stopped) {
                    this.thread = Thread.currentThread();
                }
            }
            try {
                BackOffExecution pauses = null;
                while (enter(Stage.CAMPAIGNING)) {
                    EtcdLeadership won;
                    try {
                        won = EtcdLeaderInitiator.this.elections.campaign(EtcdLeaderInitiator.this.election,
                                EtcdLeaderInitiator.this.id, EtcdLeaderInitiator.this.options);
                        pauses = null;
                    }
                    catch (InterruptedException ex) {
                        // stop() ends the campaign this way; the loop looks.
                        continue;
                    }
                    catch (RuntimeException ex) {
                        if (!enter(Stage.PAUSED)) {
                            break;
                        }
                        pauses = (pauses != null) ? pauses : RETRY.start();
                        long pause = pauses.nextBackOff();
                        logger.warn("Campaigning for {} in {} failed ({}); trying again in {} ms",
                                EtcdLeaderInitiator.this.candidate, EtcdLeaderInitiator.this.election,
                                ex.getMessage(), pause);
                        publishFailedToAcquire();
                        awaitQuietly(this.stopping, pause);
                        continue;
                    }
                    lead(won);
                }
            }
            finally {
                List<Runnable> told;
                synchronized (EtcdLeaderInitiator.this.monitor) {
                    this.thread = null;
                    this.done = true;
                    told = new ArrayList<>(this.callbacks);
                    this.callbacks.clear();
                }
                Thread.interrupted();
                this.ended.countDown();
                told.forEach(Campaign::runQuietly);
            }
        }

        /** Moves to a stage, clearing an interrupt of the last one; {@code false} when stopped. */
        private boolean enter(Stage next) {
            synchronized (EtcdLeaderInitiator.this.monitor) {
                this.stage = next;
                if (this.stopped) {
                    this.stage = Stage.REVOKING;
                }
            }
            Thread.interrupted();
            return this.stage != Stage.REVOKING;
        }

        private void lead(EtcdLeadership won) {
            CountDownLatch revoked = new CountDownLatch(1);
            synchronized (EtcdLeaderInitiator.this.monitor) {
                if (!this.stopped) {
                    this.leadership = won;
                    this.revocation = revoked;
                    this.revocationReason = null;
                    this.stage = Stage.GRANTING;
                }
            }
            if (this.leadership != won) {
                // Stopped as the campaign was won.
                Thread.interrupted();
                won.resign();
                return;
            }
            won.addListener((lost, reason, cause) -> revoke(won, "the leadership was lost: " + switch (reason) {
                case DELETED -> "its key was deleted";
                case EXPIRED -> "etcd said its lease or time to live is gone";
                case DEADLINE_PASSED -> "no renewal was acknowledged before its safe deadline";
            }));
            logger.info("{} leads {} (term {})", EtcdLeaderInitiator.this.candidate, EtcdLeaderInitiator.this.election,
                    won.term());
            String failure = null;
            try {
                EtcdLeaderInitiator.this.candidate.onGranted(this.context);
            }
            catch (InterruptedException ex) {
                failure = "the candidate's onGranted was interrupted";
            }
            catch (RuntimeException ex) {
                logger.error("{} failed in onGranted; it gives the leadership of {} up",
                        EtcdLeaderInitiator.this.candidate, EtcdLeaderInitiator.this.election, ex);
                failure = "the candidate's onGranted failed: " + ex;
            }
            enter(Stage.LEADING);
            if (failure != null) {
                revoke(won, failure);
            }
            publish(true);
            try {
                revoked.await();
            }
            catch (InterruptedException ex) {
                // Not one of this campaign's: the executor's, shutting down; give the leadership up.
                revoke(won, "the initiator's thread was interrupted");
            }
            String reason;
            synchronized (EtcdLeaderInitiator.this.monitor) {
                reason = this.revocationReason;
                this.leadership = null;
                this.revocation = null;
                this.stage = Stage.REVOKING;
            }
            Thread.interrupted();
            logger.info("{} no longer leads {} (term {}): {}", EtcdLeaderInitiator.this.candidate,
                    EtcdLeaderInitiator.this.election, won.term(), reason);
            try {
                EtcdLeaderInitiator.this.candidate.onRevoked(this.context);
            }
            catch (RuntimeException ex) {
                logger.error("{} failed in onRevoked", EtcdLeaderInitiator.this.candidate, ex);
            }
            publish(false);
            // Only now: the next leader begins once this one's work has stopped.
            won.resign();
        }

        /** Ends a leadership, if it is still this campaign's, and interrupts the candidate's onGranted. */
        void revoke(EtcdLeadership which, String reason) {
            synchronized (EtcdLeaderInitiator.this.monitor) {
                if (this.leadership == null || (which != null && this.leadership != which)
                        || this.revocation.getCount() == 0) {
                    return;
                }
                this.revocationReason = reason;
                this.revocation.countDown();
                if (this.stage == Stage.GRANTING && this.thread != Thread.currentThread()) {
                    this.thread.interrupt();
                }
            }
        }

        void stop(Runnable callback) {
            boolean runNow;
            synchronized (EtcdLeaderInitiator.this.monitor) {
                runNow = this.done;
                if (callback != null && !runNow) {
                    this.callbacks.add(callback);
                }
                if (!this.stopped) {
                    this.stopped = true;
                    this.stopping.countDown();
                    revoke(null, "the initiator was stopped");
                    if (this.stage == Stage.CAMPAIGNING && this.thread != null
                            && this.thread != Thread.currentThread()) {
                        this.thread.interrupt();
                    }
                }
            }
            if (runNow && callback != null) {
                runQuietly(callback);
            }
        }

        boolean isRunBy(Thread caller) {
            synchronized (EtcdLeaderInitiator.this.monitor) {
                return this.thread == caller;
            }
        }

        boolean isLeader() {
            EtcdLeadership now;
            synchronized (EtcdLeaderInitiator.this.monitor) {
                if (this.leadership == null || this.revocation.getCount() == 0) {
                    return false;
                }
                now = this.leadership;
            }
            return now.isLeader();
        }

        long term() {
            synchronized (EtcdLeaderInitiator.this.monitor) {
                return (this.leadership != null) ? this.leadership.term() : 0;
            }
        }

        private void publish(boolean granted) {
            LeaderEventPublisher publisher = EtcdLeaderInitiator.this.leaderEventPublisher;
            if (publisher == null) {
                return;
            }
            try {
                if (granted) {
                    publisher.publishOnGranted(EtcdLeaderInitiator.this, this.context, EtcdLeaderInitiator.this.role);
                }
                else {
                    publisher.publishOnRevoked(EtcdLeaderInitiator.this, this.context, EtcdLeaderInitiator.this.role);
                }
            }
            catch (RuntimeException ex) {
                logger.warn("Publishing the {} event of {} failed", granted ? "OnGranted" : "OnRevoked",
                        EtcdLeaderInitiator.this.election, ex);
            }
        }

        private void publishFailedToAcquire() {
            LeaderEventPublisher publisher = EtcdLeaderInitiator.this.leaderEventPublisher;
            if (publisher == null || !EtcdLeaderInitiator.this.publishFailedEvents) {
                return;
            }
            try {
                publisher.publishOnFailedToAcquire(EtcdLeaderInitiator.this, this.context,
                        EtcdLeaderInitiator.this.role);
            }
            catch (RuntimeException ex) {
                logger.warn("Publishing the OnFailedToAcquireMutex event of {} failed",
                        EtcdLeaderInitiator.this.election, ex);
            }
        }

        private static void awaitQuietly(CountDownLatch latch, long millis) {
            try {
                latch.await(millis, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                // The loop looks whether it was stopped.
            }
        }

        private static void runQuietly(Runnable callback) {
            try {
                callback.run();
            }
            catch (RuntimeException ex) {
                logger.warn("A stop callback failed", ex);
            }
        }
    }

    /**
     * The leadership context the candidate and the events get: whether the candidate leads, its term, and yielding.
     */
    public final class EtcdContext implements Context {

        private final Campaign campaign;

        private EtcdContext(Campaign campaign) {
            this.campaign = campaign;
        }

        /**
         * Whether the candidate leads: granted, not yet revoked or yielded, and certainly still the leader by the
         * leadership's safe deadline.
         *
         * @return whether it leads
         */
        @Override
        public boolean isLeader() {
            return this.campaign != null && this.campaign.isLeader();
        }

        /**
         * Gives the leadership up, if the candidate leads: the candidate's {@code onRevoked}, the
         * {@code OnRevokedEvent}, the resignation, then a new campaign (behind the candidates already waiting). Does
         * nothing otherwise. Returns at once; the revocation runs on the initiator's thread.
         */
        @Override
        public void yield() {
            if (this.campaign != null) {
                this.campaign.revoke(null, "the candidate yielded");
            }
        }

        /**
         * The candidate's role.
         *
         * @return the role
         */
        @Override
        public String getRole() {
            return EtcdLeaderInitiator.this.role;
        }

        /**
         * The candidate's id, which the leader proclaims.
         *
         * @return the id
         */
        public String getId() {
            return EtcdLeaderInitiator.this.id;
        }

        /**
         * The term of the candidate's leadership: its key's create revision (v3) or created index (v2), a fencing
         * token that grows with every new leader.
         *
         * @return the term while granted (until revoked); 0 otherwise
         */
        public long getTerm() {
            return (this.campaign != null) ? this.campaign.term() : 0;
        }

        /**
         * The election's leader now, whichever candidate it is, read from etcd (a linearizable read).
         *
         * @return the leader, or empty when there is none
         */
        public Optional<Leader> getLeader() {
            return EtcdLeaderInitiator.this.elections.leader(EtcdLeaderInitiator.this.election);
        }

        @Override
        public String toString() {
            return "EtcdContext{role=" + EtcdLeaderInitiator.this.role + ", id=" + EtcdLeaderInitiator.this.id
                    + ", isLeader=" + isLeader() + "}";
        }
    }
}
