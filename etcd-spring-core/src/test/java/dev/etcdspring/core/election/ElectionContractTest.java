package dev.etcdspring.core.election;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.lock.EtcdLockTimeoutException;
import dev.etcdspring.core.lock.LockLoss;
import dev.etcdspring.core.lock.LockOptions;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What an election promises on either API, against a real etcd (3.4): one leader, its term read from its key and
 * growing with each new leader, candidates served in order, observers told of each leader, each proclaimed value and
 * of "no leader", a campaign that times out withdrawing its candidacy, and a lost leadership reported at once.
 */
abstract class ElectionContractTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final List<EtcdTemplate> templates = new CopyOnWriteArrayList<>();

    private final ExecutorService threads = Executors.newCachedThreadPool();

    EtcdTemplate etcdTemplate;

    String election;

    abstract EtcdApi api();

    /** How many candidates' keys the election holds, read directly. */
    abstract int candidates(String election);

    /** Deletes a key behind the client's back. */
    abstract void deleteBehindItsBack(String key);

    @BeforeEach
    void setUp(TestInfo test) {
        this.etcdTemplate = template(etcd.endpoint());
        this.election = "elections/" + api().name().toLowerCase() + "/" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void tearDown() {
        this.threads.shutdownNow();
        this.templates.forEach(EtcdTemplate::close);
    }

    EtcdTemplate template(String endpoint) {
        EtcdTemplate template = EtcdTemplate.builder().endpoints(endpoint).api(api()).build();
        this.templates.add(template);
        return template;
    }

    private static LockOptions ttl(int seconds) {
        return LockOptions.defaults().ttl(Duration.ofSeconds(seconds));
    }

    @Test
    void aLoneCandidateLeadsAndIsTheLeaderEveryoneReads() throws Exception {
        EtcdLeadership leadership = this.etcdTemplate.opsForElections().campaign(this.election, "node-a", ttl(10));
        assertThat(leadership.isLeader()).isTrue();
        assertThat(leadership.election()).isEqualTo(this.election);
        assertThat(leadership.value()).isEqualTo("node-a");
        assertThat(leadership.term()).isPositive();
        EtcdTemplate other = template(etcd.endpoint());
        assertThat(other.opsForElections().leader(this.election))
            .contains(new Leader(this.election, leadership.key(), leadership.term(), "node-a"));
        leadership.resign();
        assertThat(leadership.isLeader()).isFalse();
        assertThat(other.opsForElections().leader(this.election)).isEmpty();
        assertThat(candidates(this.election)).isZero();
    }

    @Test
    void theNextCandidateLeadsWhenTheLeaderResignsWithAGreaterTermAndObserversHearEachChange() throws Exception {
        List<Optional<Leader>> seen = new CopyOnWriteArrayList<>();
        EtcdWatch observation = template(etcd.endpoint()).opsForElections().observe(this.election, seen::add);
        assertThat(seen).containsExactly(Optional.empty());
        EtcdLeadership first = this.etcdTemplate.opsForElections().campaign(this.election, "node-a", ttl(10));
        EtcdTemplate second = template(etcd.endpoint());
        Future<EtcdLeadership> next = this.threads.submit(() -> second.opsForElections()
            .campaign(this.election, "node-b", ttl(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> candidates(this.election) == 2);
        assertThat(next).isNotDone();
        first.resign();
        EtcdLeadership successor = next.get(10, TimeUnit.SECONDS);
        assertThat(successor.isLeader()).isTrue();
        assertThat(successor.term()).isGreaterThan(first.term());
        successor.resign();
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 4);
        assertThat(seen).containsExactly(Optional.empty(),
                Optional.of(new Leader(this.election, first.key(), first.term(), "node-a")),
                Optional.of(new Leader(this.election, successor.key(), successor.term(), "node-b")),
                Optional.empty());
        observation.close();
        assertThat(observation.isOpen()).isFalse();
    }

    @Test
    void aProclaimedValueReachesObserversAndTheLeaderReadAndALostLeaderCannotProclaim() throws Exception {
        EtcdLeadership leadership = this.etcdTemplate.opsForElections().campaign(this.election, "v1", ttl(10));
        List<Optional<Leader>> seen = new CopyOnWriteArrayList<>();
        EtcdWatch observation = template(etcd.endpoint()).opsForElections().observe(this.election, seen::add);
        assertThat(leadership.proclaim("v2")).isTrue();
        assertThat(leadership.value()).isEqualTo("v2");
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen.get(1)).hasValueSatisfying((leader) -> {
            assertThat(leader.value()).isEqualTo("v2");
            assertThat(leader.term()).as("the same term: a proclamation is no new leader").isEqualTo(leadership.term());
        });
        assertThat(this.etcdTemplate.opsForElections().leader(this.election).orElseThrow().value()).isEqualTo("v2");
        deleteBehindItsBack(leadership.key());
        await().atMost(Duration.ofSeconds(5)).until(() -> !leadership.isLeader());
        assertThat(leadership.proclaim("v3")).isFalse();
        assertThat(candidates(this.election)).isZero();
        observation.close();
    }

    @Test
    void aLostLeadershipIsReportedOnceAndTheNextCandidateLeads() throws Exception {
        EtcdLeadership leadership = this.etcdTemplate.opsForElections().campaign(this.election, "a", ttl(10));
        List<LockLoss> heard = new CopyOnWriteArrayList<>();
        leadership.addListener((l, reason, cause) -> heard.add(reason));
        EtcdTemplate second = template(etcd.endpoint());
        Future<EtcdLeadership> next = this.threads.submit(() -> second.opsForElections()
            .campaign(this.election, "b", ttl(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> candidates(this.election) == 2);
        deleteBehindItsBack(leadership.key());
        EtcdLeadership successor = next.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> !heard.isEmpty());
        assertThat(heard).containsExactly(LockLoss.DELETED);
        assertThat(leadership.isLeader()).isFalse();
        assertThat(successor.isLeader()).isTrue();
        leadership.resign();
        assertThat(heard).hasSize(1);
    }

    @Test
    void aCampaignThatRunsOutWithdrawsItsCandidacy() throws Exception {
        EtcdLeadership leader = this.etcdTemplate.opsForElections().campaign(this.election, "a", ttl(10));
        assertThatExceptionOfType(EtcdLockTimeoutException.class)
            .isThrownBy(() -> template(etcd.endpoint()).opsForElections()
                .campaign(this.election, "b", ttl(10).waitAtMost(Duration.ofMillis(300))))
            .withMessageContaining(this.election)
            .withMessageContaining("withdrawn");
        assertThat(candidates(this.election)).isOne();
        assertThat(leader.isLeader()).isTrue();
    }

    @Test
    void badInputIsRefusedBeforeAnyRequest() {
        try (TcpProxy proxy = TcpProxy.to(etcd.endpoint())) {
            EtcdElectionOperations elections = template(proxy.url()).opsForElections();
            assertThatIllegalArgumentException().isThrownBy(() -> elections.campaign("", "v", ttl(5)))
                .withMessageContaining("name");
            assertThatIllegalArgumentException().isThrownBy(() -> elections.campaign(this.election, null, ttl(5)))
                .withMessageContaining("value");
            assertThatIllegalArgumentException().isThrownBy(() -> elections.campaign(this.election, "v", null))
                .withMessageContaining("options");
            assertThatIllegalArgumentException().isThrownBy(() -> elections.observe(this.election, null))
                .withMessageContaining("listener");
            assertThatIllegalArgumentException().isThrownBy(() -> elections.leader(""));
            assertThat(proxy.connections()).as("nothing was sent").isZero();
        }
    }
}
