// One job: the sample's scheduled job, which runs only on the instance that leads.
package dev.etcdspring.sample;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.election.EtcdLeadership;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A job scheduled every second on every instance, which does its work only on the one that leads
 * ({@link LeaderElection}; checked at each tick, so it stops at the tick after the leadership is lost): it records
 * its run in etcd at {@value #LAST_RUN} ({@link JobRun}: the tick, counted across leaders, the instance, its term,
 * the time) and pushes it to this instance's open pages as a {@code job} event.
 */
@Component
class LeaderJob {

    static final String LAST_RUN = "/sample-app/job/last-run";

    private final EtcdOperations etcd;

    private final LeaderElection election;

    private final LiveUpdates updates;

    private final JsonMapper json;

    private final AtomicLong runs = new AtomicLong();

    LeaderJob(EtcdOperations etcd, LeaderElection election, LiveUpdates updates, JsonMapper json) {
        this.etcd = etcd;
        this.election = election;
        this.updates = updates;
        this.json = json;
    }

    @Scheduled(fixedRate = 1, timeUnit = TimeUnit.SECONDS)
    void run() {
        EtcdLeadership leadership = this.election.leadership();
        if (leadership == null) {
            return;  // another instance leads, or none yet: the job runs there
        }
        JobRun run = record(leadership);
        this.runs.incrementAndGet();
        this.updates.send("job", view(run));
    }

    private JobRun record(EtcdLeadership leadership) {
        String instance = this.election.instanceId();
        Instant now = Instant.now();
        try {
            return read(this.etcd.swap(LAST_RUN, (last) -> write(read(last).next(instance, leadership.term(), now))));
        }
        catch (EtcdKeyNotFoundException ex) {
            JobRun first = new JobRun(1, instance, leadership.term(), now);
            this.etcd.set(LAST_RUN, write(first), WriteOptions.defaults().prevExist(false));
            return first;
        }
    }

    /**
     * The job as the page shows it: how often this instance ran it, and its last run by any instance.
     */
    Map<String, Object> view() {
        String last = this.etcd.get(LAST_RUN);
        return view((last != null) ? read(last) : null);
    }

    private Map<String, Object> view(JobRun last) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("runs", this.runs.get());
        view.put("last", last);
        return view;
    }

    private JobRun read(String value) {
        return this.json.readValue(value, JobRun.class);
    }

    private String write(JobRun run) {
        return this.json.writeValueAsString(run);
    }
}
