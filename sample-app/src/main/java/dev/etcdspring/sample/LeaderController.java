// One job: the election and the leader's job as the page and scripts read them.
package dev.etcdspring.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/leader}: this instance's id, whether it leads, the leader and its term ({@link LeaderElection}),
 * and the leader's job ({@link LeaderJob}): how often this instance ran it, and its last run by any instance.
 */
@RestController
class LeaderController {

    private final LeaderElection election;

    private final LeaderJob job;

    LeaderController(LeaderElection election, LeaderJob job) {
        this.election = election;
        this.job = job;
    }

    @GetMapping("/api/leader")
    Map<String, Object> leader() {
        Map<String, Object> leader = new LinkedHashMap<>(this.election.view());
        leader.put("job", this.job.view());
        return leader;
    }
}
