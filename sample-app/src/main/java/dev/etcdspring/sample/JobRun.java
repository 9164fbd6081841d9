// One job: a run of the leader's job, as the job records it in etcd.
package dev.etcdspring.sample;

import java.time.Instant;

/**
 * A run of {@link LeaderJob}, kept as JSON in etcd at {@value LeaderJob#LAST_RUN}: which tick it was (counted
 * across leaders), which instance ran it, in which term, and when.
 *
 * @param tick the number of runs so far, by every leader
 * @param instance the id of the instance that ran it
 * @param term that instance's term as leader
 * @param at when it ran
 */
record JobRun(long tick, String instance, long term, Instant at) {

    /**
     * The run after this one.
     */
    JobRun next(String instance, long term, Instant at) {
        return new JobRun(this.tick + 1, instance, term, at);
    }
}
