// One job: instances of the sample elect one leader, only it runs the job, and another takes over when it goes.
package dev.etcdspring.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances of the sample, each in a JVM of its own with an id of its own, against one real etcd: they agree
 * on one leader, which alone runs the scheduled job (the others' run counts stay 0, and the last run recorded in
 * etcd is its). Stopped with SIGINT, the leader exits within 2 s and resigns, so another takes over well before the
 * time to live could have run out; killed (SIGKILL), the next one's key is left to expire, and the last instance
 * takes over within the time to live and a few seconds. Each new leader has a greater term, and continues the
 * job's tick count.
 */
class SampleLeaderTest {

    private static final List<String> IDS = List.of("sample-a", "sample-b", "sample-c");

    private static final Duration TTL = Duration.ofSeconds(8);

    private static final Duration STOP_WITHIN = Duration.ofSeconds(2);

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final HttpClient http = HttpClient.newHttpClient();

    private final JsonMapper json = JsonMapper.builder().build();

    /** The running instances, by id; the port each listens on. */
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void onlyTheLeaderRunsTheJobAndAnotherTakesOverWhenItStopsOrDies() throws Exception {
        List<SampleProcess> processes = new ArrayList<>();
        try {
            Map<String, SampleProcess> byId = new LinkedHashMap<>();
            for (String id : IDS) {
                SampleProcess process = SampleProcess.start(etcd.endpoint(), "--sample.instance-id=" + id,
                        "--sample.leader.ttl=" + TTL.toSeconds() + "s");
                processes.add(process);
                byId.put(id, process);
            }
            for (String id : IDS) {
                this.ports.put(id, byId.get(id).awaitPort());
            }

            String first = awaitOneLeaderRunningTheJob(0, 3, Duration.ofSeconds(30));
            long firstTerm = term(first);
            long ticks = tick(first);
            long stopping = System.nanoTime();
            SampleProcess leader = byId.get(first);
            leader.interrupt();
            assertThat(leader.waitFor(STOP_WITHIN)).as("the leader stopped within %s of SIGINT; its output:%n%s",
                    STOP_WITHIN, leader.output()).isTrue();
            System.out.println("The leader stopped " + millisSince(stopping) + " ms after SIGINT");
            assertThat(leader.exitValue()).isEqualTo(128 + 2);
            this.ports.remove(first);
            // Resigned: the next leads long before the stopped one's key could have expired.
            String second = awaitOneLeaderRunningTheJob(firstTerm, 1, TTL.dividedBy(2));
            System.out.println(second + " took over " + millisSince(stopping) + " ms after " + first + " got SIGINT");
            assertThat(tick(second)).as("the job's tick count goes on").isGreaterThan(ticks);
            ticks = tick(second);

            long killing = System.nanoTime();
            long secondTerm = term(second);
            byId.get(second).close();  // SIGKILL: no resignation, its key expires after the time to live
            this.ports.remove(second);
            String third = awaitOneLeaderRunningTheJob(secondTerm, 1, TTL.plusSeconds(5));
            System.out.println(third + " took over " + millisSince(killing) + " ms after " + second + " was killed");
            assertThat(tick(third)).as("the job's tick count goes on").isGreaterThan(ticks);
        }
        finally {
            for (SampleProcess process : processes) {
                process.close();
            }
        }
    }

    /**
     * Waits until every running instance names the same leader, with a term greater than {@code after}, that one
     * says it leads and has run the job {@code runs} times, every other one says it does not and has run it never,
     * and the job's last run recorded in etcd is the leader's.
     *
     * @return the leader's id
     */
    private String awaitOneLeaderRunningTheJob(long after, long runs, Duration within) {
        return await().atMost(within).until(() -> {
            Map<String, JsonNode> views = new LinkedHashMap<>();
            for (String id : this.ports.keySet()) {
                views.put(id, view(id));
            }
            String leader = views.values().iterator().next().at("/leader/instance").asString();
            if (!this.ports.containsKey(leader)) {
                return null;
            }
            for (Map.Entry<String, JsonNode> view : views.entrySet()) {
                JsonNode election = view.getValue();
                boolean leads = view.getKey().equals(leader);
                long ran = election.at("/job/runs").asLong();
                if (!leader.equals(election.at("/leader/instance").asString())
                        || election.at("/leader/term").asLong() <= after
                        || !leader.equals(election.at("/job/last/instance").asString())) {
                    return null;  // not yet
                }
                assertThat(election.at("/instance").asString()).isEqualTo(view.getKey());
                if (!leads) {
                    assertThat(election.at("/leading").asBoolean()).as("%s leads too: %s", view.getKey(), views)
                        .isFalse();
                    assertThat(ran).as("%s ran the job, not leading: %s", view.getKey(), views).isZero();
                }
                else if (!election.at("/leading").asBoolean() || ran < runs) {
                    return null;
                }
            }
            return leader;
        }, (leader) -> leader != null);
    }

    /** The term of the leader an instance sees. */
    private long term(String id) throws Exception {
        return view(id).at("/leader/term").asLong();
    }

    /** The job's last tick recorded in etcd, as an instance sees it. */
    private long tick(String id) throws Exception {
        return view(id).at("/job/last/tick").asLong();
    }

    /** {@code GET /api/leader} of an instance. */
    private JsonNode view(String id) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + this.ports.get(id) + "/api/leader");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /api/leader of %s: %s", id, response.body()).isEqualTo(200);
        return this.json.readTree(response.body());
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
