package dev.etcdspring.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.etcdspring.test.EtcdCluster;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.EtcdProcess;
import dev.etcdspring.test.FaultyEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Several endpoints against a real three-member cluster, on both APIs: connection failures fail over, reads are retried
 * elsewhere, and a write that may have reached a server is never retried and says its outcome is unknown.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class FailoverTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    private final EtcdApi api;

    FailoverTest(EtcdApi api) {
        this.api = api;
    }

    @AfterEach
    void restartStoppedMembers() {
        for (int i = 0; i < 3; i++) {
            if (!etcd.cluster().member(i).isRunning()) {
                etcd.cluster().restart(i);
            }
        }
    }

    private EtcdTemplate.Builder template(String... endpoints) {
        return EtcdTemplate.builder().endpoints(endpoints).api(this.api);
    }

    @Test
    void everyOperationWorksWithTheFirstEndpointDown() {
        // Two followers, so that the kill does not also cost an election: etcd answers writes sent right after
        // its leader died with its own timeout, which is another test.
        List<EtcdProcess> followers = etcd.cluster().followers();
        EtcdProcess first = followers.get(0);
        EtcdProcess second = followers.get(1);
        first.kill();
        EtcdTemplate etcdTemplate = template(first.clientUrl(), second.clientUrl()).build();

        assertThat(etcdTemplate.set("fo/key", "one").node().value()).isEqualTo("one");
        assertThat(etcdTemplate.currentEndpoint()).isEqualTo(second.clientUrl());
        assertThat(etcdTemplate.get("fo/key")).isEqualTo("one");
        assertThat(etcdTemplate.getResponse("fo/key").node().value()).isEqualTo("one");
        assertThat(etcdTemplate.getTree("fo")).isEqualTo(Map.of("key", "one"));
        assertThat(etcdTemplate.compareAndSet("fo/key", "one", "two")).isTrue();
        long index = etcdTemplate.getResponse("fo/key").node().modifiedIndex();
        assertThat(etcdTemplate.compareAndSetIndex("fo/key", index, "3")).isTrue();
        assertThat(etcdTemplate.swap("fo/key", (v) -> v + "4")).isEqualTo("34");
        assertThat(etcdTemplate.createInOrder("fo/queue", "job").node().key()).startsWith("/fo/queue/");
        assertThat(etcdTemplate.delete("fo/key").prevNode().value()).isEqualTo("34");
        assertThat(etcdTemplate.deleteAll("fo").prevNode().nodes()).hasSize(1);
        assertThat(etcdTemplate.version().server()).startsWith("3.");
        assertThat(etcdTemplate.members()).hasSize(3);
        assertThat(etcdTemplate.currentEndpoint()).isEqualTo(second.clientUrl());
    }

    /**
     * etcd restarts in under 100 ms here, and closes the connections the client keeps alive: the first read and
     * the first write afterwards must neither fail nor report an unknown outcome for that. The default backend
     * (socket), Jetty's and the JDK's notice the closed connections; Apache HttpClient and HttpURLConnection do not (see
     * {@link EtcdRequestFactories}).
     */
    @ParameterizedTest
    @ValueSource(strings = { "default", "jetty", "jdk" })
    void keptAliveConnectionsSurviveRestartsOfTheOnlyEndpoint(String backend) {
        EtcdProcess member = etcd.cluster().followers().get(0);
        int index = etcd.cluster().members().indexOf(member);
        EtcdTemplate.Builder builder = template(member.clientUrl());
        if (backend.equals("jdk")) {
            builder.requestFactory(EtcdRequestFactories.jdk(Duration.ofSeconds(2)));
        }
        if (backend.equals("jetty")) {
            builder.httpBackend(EtcdHttpBackend.JETTY);
        }
        try (EtcdTemplate etcdTemplate = builder.build()) {
            etcdTemplate.set("restarted", "0");
            for (int i = 1; i <= 5; i++) {
                member.stop();
                etcd.cluster().restart(index);
                String written = (i % 2 == 0) ? Integer.toString(i) : etcdTemplate.get("restarted") + "+";
                assertThat(etcdTemplate.set("restarted", written).node().value()).isEqualTo(written);
            }
            assertThat(etcdTemplate.get("restarted")).isEqualTo("4+");
        }
    }

    /**
     * A watch that this client closes ends its stream itself: that says nothing about the member, and the template
     * stays on it. (Every lock release and every waiter's wake-up closes a watch: the calls after each went to the
     * next endpoint, a dead one among them, while a member was down.)
     */
    @ParameterizedTest
    @ValueSource(strings = { "default", "jetty", "jdk" })
    void closingAWatchLeavesTheTemplateOnItsMember(String backend) {
        EtcdTemplate.Builder builder = template(etcd.endpoints().toArray(String[]::new));
        if (backend.equals("jdk")) {
            builder.requestFactory(EtcdRequestFactories.jdk(Duration.ofSeconds(2)));
        }
        if (backend.equals("jetty")) {
            builder.httpBackend(EtcdHttpBackend.JETTY);
        }
        try (EtcdTemplate etcdTemplate = builder.build()) {
            etcdTemplate.set("closed-watch", "0");
            String member = etcdTemplate.currentEndpoint();
            for (int i = 1; i <= 3; i++) {
                List<String> values = new java.util.concurrent.CopyOnWriteArrayList<>();
                EtcdWatch watch = etcdTemplate.watch("closed-watch", WatchOptions.defaults(),
                        (e) -> values.add(e.node().value()));
                etcdTemplate.set("closed-watch", Integer.toString(i));
                await().atMost(Duration.ofSeconds(10)).until(() -> values.size() == 1);
                watch.close();
                assertThat(etcdTemplate.get("closed-watch")).isEqualTo(Integer.toString(i));
                assertThat(etcdTemplate.currentEndpoint()).as("after closing watch %d", i).isEqualTo(member);
            }
        }
    }

    @Test
    void aWatchMovesToAnotherMemberWhenItsMemberDies() {
        List<EtcdProcess> followers = etcd.cluster().followers();
        EtcdProcess first = followers.get(0);
        EtcdProcess second = followers.get(1);
        List<String> values = new java.util.concurrent.CopyOnWriteArrayList<>();
        // The writer does not use the member that dies: a write racing the kill has an unknown outcome, another test.
        List<String> survivors = etcd.endpoints().stream().filter((url) -> !url.equals(first.clientUrl())).toList();
        try (EtcdTemplate writer = template(survivors.toArray(String[]::new)).build();
                EtcdTemplate watching = template(first.clientUrl(), second.clientUrl())
                    .watchBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
                EtcdWatch watch = watching.watch("/fw", WatchOptions.defaults().recursive(true),
                        (e) -> values.add(e.node().value()))) {
            writer.set("/fw/k", "1");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> values.size() == 1);
            first.kill();
            writer.set("/fw/k", "2");
            writer.set("/fw/k", "3");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> values.size() == 3);
            assertThat(values).containsExactly("1", "2", "3");
            assertThat(watching.currentEndpoint()).isEqualTo(second.clientUrl());
        }
    }

    @Test
    void noEndpointReachableSaysTheWriteCertainlyWasNotApplied() {
        String a = "http://127.0.0.1:" + EtcdCluster.freePort();
        String b = "http://127.0.0.1:" + EtcdCluster.freePort();
        EtcdTemplate etcdTemplate = template(a, b).build();
        assertThatExceptionOfType(EtcdTransportException.class).isThrownBy(() -> etcdTemplate.set("k", "v"))
            .satisfies((e) -> {
                assertThat(e.isOutcomeUnknown()).isFalse();
                assertThat(e.getErrorCode()).isZero();
                assertThat(e.getHttpStatus()).isZero();
                assertThat(e.getKey()).isEqualTo("/k");
                assertThat(e.getMessage()).contains(a, b, "ConnectException", "was not applied");
            });
    }

    @Test
    void aWriteThatMayHaveReachedAStalledServerIsNotRetried() {
        try (FaultyEndpoint stalled = FaultyEndpoint.stalling()) {
            EtcdTemplate etcdTemplate = template(stalled.url(), etcd.endpoint()).timeout(Duration.ofMillis(500)).build();
            assertThatExceptionOfType(EtcdTransportException.class).isThrownBy(() -> etcdTemplate.set("stalled", "v"))
                .satisfies((e) -> {
                    assertThat(e.isOutcomeUnknown()).isTrue();
                    assertThat(e.getMessage()).contains("may or may not have been applied", stalled.url(), "/stalled");
                });
            assertThat(requestsArrivedAt(stalled)).isEqualTo(1);
            EtcdTemplate direct = template(etcd.endpoint()).build();
            assertThat(direct.get("stalled")).as("the write must not have been repeated on the next endpoint").isNull();
        }
    }

    @Test
    void aReadFromAStalledServerIsRetriedOnTheNext() {
        template(etcd.endpoint()).build().set("readable", "yes");
        try (FaultyEndpoint stalled = FaultyEndpoint.stalling()) {
            EtcdTemplate etcdTemplate = template(stalled.url(), etcd.endpoint()).timeout(Duration.ofMillis(500)).build();
            assertThat(etcdTemplate.get("readable")).isEqualTo("yes");
            assertThat(requestsArrivedAt(stalled)).isEqualTo(1);
            assertThat(etcdTemplate.currentEndpoint()).isEqualTo(etcd.endpoint());
        }
    }

    @Test
    void aWriteWhoseAnswerWasLostMayHaveBeenApplied() {
        try (FaultyEndpoint hangingUp = FaultyEndpoint.hangingUpAfter(etcd.endpoint())) {
            EtcdTemplate etcdTemplate = template(hangingUp.url()).build();
            assertThatExceptionOfType(EtcdTransportException.class).isThrownBy(() -> etcdTemplate.set("lost", "answer"))
                .satisfies((e) -> assertThat(e.isOutcomeUnknown()).isTrue());
            assertThat(template(etcd.endpoint()).build().get("lost"))
                .as("etcd applied the write whose answer never arrived").isEqualTo("answer");
        }
    }

    @Test
    void aPerCallTimeoutOverridesTheTemplatesTimeout() {
        try (FaultyEndpoint stalled = FaultyEndpoint.stalling()) {
            EtcdTemplate etcdTemplate = template(stalled.url()).timeout(Duration.ofMinutes(10)).build();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatExceptionOfType(EtcdTransportException.class)
                .isThrownBy(() -> etcdTemplate.get("k", ReadOptions.defaults().timeout(Duration.ofMillis(200))))
                .satisfies((e) -> assertThat(e.isOutcomeUnknown()).isFalse()));
            assertThat(requestsArrivedAt(stalled)).as("a timed-out read is not sent again to the only endpoint").isEqualTo(1);
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatExceptionOfType(EtcdTransportException.class)
                .isThrownBy(() -> etcdTemplate.set("k", "v", WriteOptions.defaults().timeout(Duration.ofMillis(200))))
                .satisfies((e) -> assertThat(e.isOutcomeUnknown()).isTrue()));
        }
    }

    @Test
    void aWriteWithoutQuorumTimesOutInsideEtcdWithOutcomeUnknown() {
        etcd.cluster().member(0).kill();
        etcd.cluster().member(1).kill();
        EtcdTemplate etcdTemplate = template(etcd.cluster().member(2).clientUrl()).build();
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> etcdTemplate.set("noquorum", "v"))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.RAFT_INTERNAL);
                // v2: 500 with error 300; v3: a txn answers 503 with gRPC code 14 (a plain put 500 with code 2)
                assertThat(e.getHttpStatus()).isEqualTo((this.api == EtcdApi.V2) ? 500 : 503);
                assertThat(e.isOutcomeUnknown()).isTrue();
                assertThat(e.getMessage()).contains("may still have been applied");
            });
        List.of(0, 1).forEach(etcd.cluster()::restart);
    }

    @Test
    void aSerializableTemplateReadsFromAMemberWithoutQuorumWhereALinearizableOneCannot() {
        EtcdProcess survivor = etcd.cluster().member(2);
        template(survivor.clientUrl()).build().set("consistency/key", "kept");
        // The write is committed on a majority; wait until the survivor has applied it, then cut it off.
        EtcdTemplate local = template(survivor.clientUrl()).readConsistency(ReadConsistency.SERIALIZABLE)
            .timeout(Duration.ofSeconds(2))
            .build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
            .until(() -> "kept".equals(local.get("consistency/key")));
        etcd.cluster().member(0).kill();
        etcd.cluster().member(1).kill();

        assertThat(local.get("consistency/key")).isEqualTo("kept");
        assertThat(local.getTree("consistency")).isEqualTo(Map.of("key", "kept"));
        assertThatExceptionOfType(EtcdException.class).as("a read that asks for quorum itself")
            .isThrownBy(() -> local.get("consistency/key", ReadOptions.defaults().quorum(true)));
        EtcdTemplate linearizable = template(survivor.clientUrl()).timeout(Duration.ofSeconds(2)).build();
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> linearizable.get("consistency/key"));
        List.of(0, 1).forEach(etcd.cluster()::restart);
    }

    /**
     * The requests a stalled endpoint received, once the first has been counted: the endpoint counts a request on
     * its own thread once it has read all of it, and nothing orders that before the client's timeout ends the
     * call, so under load the count could still be 0 when the client gives up.
     */
    private static int requestsArrivedAt(FaultyEndpoint endpoint) {
        await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.requests() >= 1);
        return endpoint.requests();
    }
}
