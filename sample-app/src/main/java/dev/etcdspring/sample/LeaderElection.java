// One job: campaigning for the sample's leadership on a thread of its own, and knowing who leads.
package dev.etcdspring.sample;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.election.EtcdLeadership;
import dev.etcdspring.core.election.Leader;
import dev.etcdspring.core.lock.LockOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Campaigns in the election {@value #ELECTION}, proclaiming this instance's id ({@code sample.instance-id}, by
 * default {@code <host>:<port>}), on a thread of its own from the moment the web server has started until the
 * application stops; after a loss it campaigns again. Stopping interrupts the campaign, or resigns the leadership, so
 * another instance leads at once rather than after the time to live ({@code sample.leader.ttl}, 10 s by default: how
 * long a crashed leader holds on). It observes the election to know the leader and its term for the page, and pushes
 * each change to the open pages as a {@code leader} event.
 */
@Component
class LeaderElection implements SmartLifecycle {

    static final String ELECTION = "sample-app/leader";

    private static final Logger logger = LoggerFactory.getLogger(LeaderElection.class);

    /** The pause before trying again after etcd failed a campaign or an observation. */
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    /** How long stop() waits for the campaign to withdraw, or the leader to resign: a Ctrl-C stops within 2 s. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(1);

    private final EtcdOperations etcd;

    private final LiveUpdates updates;

    private final Environment environment;

    private final String configuredId;

    private final LockOptions options;

    private volatile String instanceId = "";

    private volatile Thread campaigner;

    private volatile EtcdLeadership leadership;

    private volatile Optional<Leader> leader = Optional.empty();

    LeaderElection(EtcdOperations etcd, LiveUpdates updates, Environment environment,
            @Value("${sample.instance-id:}") String instanceId, @Value("${sample.leader.ttl:10s}") Duration ttl) {
        this.etcd = etcd;
        this.updates = updates;
        this.environment = environment;
        this.configuredId = instanceId;
        this.options = LockOptions.defaults().ttl(ttl);
    }

    /**
     * This instance's id, the value it proclaims when it leads.
     */
    String instanceId() {
        return this.instanceId;
    }

    /**
     * This instance's leadership while it has one.
     *
     * @return the leadership, or {@code null} when another instance leads, or none yet
     */
    EtcdLeadership leadership() {
        EtcdLeadership held = this.leadership;
        return (held != null && held.isLeader()) ? held : null;
    }

    /**
     * The election as the page shows it: this instance, whether it leads, and the leader with its term.
     */
    Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("instance", this.instanceId);
        view.put("leading", leadership() != null);
        view.put("leader", this.leader.map((now) -> new Elected(now.value(), now.term())).orElse(null));
        return view;
    }

    /**
     * The leader as the page shows it.
     *
     * @param instance the leader's id, the value it proclaims
     * @param term its term: greater for every new leader
     */
    record Elected(String instance, long term) {
    }

    @Override
    public void start() {
        this.instanceId = StringUtils.hasText(this.configuredId) ? this.configuredId : defaultId();
        Thread thread = new Thread(this::run, "leader-election");
        thread.setDaemon(true);
        this.campaigner = thread;
        thread.start();
    }

    /** {@code <host>:<port>}, unique among instances on one machine; the PID where there is no web server. */
    private String defaultId() {
        String port = this.environment.getProperty("local.server.port");
        return host() + ":" + ((port != null) ? port : "pid" + ProcessHandle.current().pid());
    }

    private static String host() {
        String host = System.getenv("HOSTNAME");
        if (StringUtils.hasText(host)) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            return "localhost";
        }
    }

    @Override
    public void stop() {
        Thread thread = this.campaigner;
        this.campaigner = null;
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(STOP_WAIT.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            logger.warn("The campaign in election '{}' did not end within {}; its key expires after the time to live",
                    ELECTION, STOP_WAIT);
        }
    }

    @Override
    public boolean isRunning() {
        return this.campaigner != null;
    }

    /**
     * Started once the web server has (its port makes the default id), and stopped before its graceful shutdown, so
     * the next leader takes over while this instance finishes its requests. Phases start from the lowest up.
     */
    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;
    }

    /** The campaigner's thread: observes the election, then campaigns and leads, again and again, until stopped. */
    private void run() {
        EtcdWatch observation = null;
        try {
            while (campaigning()) {
                try {
                    if (observation == null) {
                        observation = this.etcd.opsForElections().observe(ELECTION, this::leaderChanged);
                    }
                    campaignAndLead();
                }
                catch (RuntimeException ex) {
                    logger.warn("The election '{}' failed ({}); trying again in {}", ELECTION, ex.getMessage(),
                            RETRY_PAUSE);
                    Thread.sleep(RETRY_PAUSE.toMillis());
                }
            }
        }
        catch (InterruptedException ex) {
            // Stopping.
        }
        finally {
            if (observation != null) {
                observation.close();
            }
        }
    }

    /** Campaigns, then leads until the leadership is lost (returns) or the thread is interrupted (resigns). */
    private void campaignAndLead() throws InterruptedException {
        EtcdLeadership won = this.etcd.opsForElections().campaign(ELECTION, this.instanceId, this.options);
        try {
            CountDownLatch lost = new CountDownLatch(1);
            won.addListener((leadership, reason, cause) -> {
                logger.warn("This instance ({}) lost the leadership of election '{}' (term {}): {}", this.instanceId,
                        ELECTION, leadership.term(), reason);
                lost.countDown();
            });
            this.leadership = won;
            if (!campaigning()) {
                return;  // won as stop() began, its interrupt swallowed by a request: resigned below
            }
            logger.info("This instance ({}) leads election '{}', term {}", this.instanceId, ELECTION, won.term());
            publish();
            lost.await();
        }
        finally {
            this.leadership = null;
            resign(won);
            publish();
        }
    }

    /** Whether this thread is still the campaigner: stop() clears it before it interrupts. */
    private boolean campaigning() {
        return this.campaigner == Thread.currentThread() && !Thread.currentThread().isInterrupted();
    }

    /** Deletes the leader's key, so the next candidate leads now, not after the time to live. */
    private static void resign(EtcdLeadership leadership) {
        try {
            leadership.resign();
        }
        catch (RuntimeException ex) {
            logger.warn("Resigning term {} of election '{}' failed ({}); its key expires after the time to live",
                    leadership.term(), ELECTION, ex.getMessage());
        }
    }

    private void leaderChanged(Optional<Leader> now) {
        this.leader = now;
        publish();
    }

    private void publish() {
        this.updates.send("leader", view());
    }
}
