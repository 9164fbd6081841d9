package dev.etcdspring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A recursive watch while writers write and the etcd process is killed (SIGKILL) and restarted ten times: the
 * watch sees every change in index order, none twice; every acknowledged write, in the order it was made; nothing
 * that certainly failed; and a write whose outcome was unknown at most once, wherever etcd put it.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class WatchChaosTest {

    private static final int WRITERS = 2;

    private static final int KILLS = 10;

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    WatchChaosTest(EtcdApi api) {
        this.api = api;
    }

    /** What one writer knows of its writes. */
    private static final class WriterLog {

        final List<Integer> acknowledged = new CopyOnWriteArrayList<>();

        final List<Integer> unknown = new CopyOnWriteArrayList<>();

        final List<Integer> refused = new CopyOnWriteArrayList<>();
    }

    @Test
    void everyAcknowledgedWriteArrivesOnceAndInOrderAcrossKillsAndRestarts() throws Exception {
        List<EtcdResponse> events = new CopyOnWriteArrayList<>();
        Map<Integer, WriterLog> logs = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).api(this.api)
            .timeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofMillis(500))
            .watchBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
                EtcdWatch watch = etcdTemplate.watch("/chaos", WatchOptions.defaults().recursive(true), events::add)) {
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                WriterLog log = new WriterLog();
                logs.put(w, log);
                String key = "/chaos/writer" + w;
                Thread writer = new Thread(() -> {
                    for (int seq = 0; writing.get(); seq++) {
                        try {
                            etcdTemplate.set(key, Integer.toString(seq));
                            log.acknowledged.add(seq);
                        }
                        catch (EtcdException ex) {
                            (ex.isOutcomeUnknown() ? log.unknown : log.refused).add(seq);
                        }
                    }
                }, "writer-" + w);
                writer.start();
                writers.add(writer);
            }
            for (int kill = 0; kill < KILLS; kill++) {
                int before = events.size();
                await().atMost(Duration.ofSeconds(20)).until(() -> events.size() > before + 5);
                this.etcd.cluster().member(0).kill();
                this.etcd.cluster().restart(0);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.values().stream()
                .allMatch((log) -> log.acknowledged.size() > 20));
            writing.set(false);
            for (Thread writer : writers) {
                writer.join();
            }
            etcdTemplate.set("/chaos/done", "yes");
            await().atMost(Duration.ofSeconds(30))
                .until(() -> events.stream().anyMatch((e) -> e.node().key().equals("/chaos/done")));
        }

        org.slf4j.LoggerFactory.getLogger(WatchChaosTest.class).info("{}: {} events; writes acknowledged {}, unknown {}, "
                + "refused {}", this.api, events.size(),
                logs.values().stream().mapToInt((l) -> l.acknowledged.size()).sum(),
                logs.values().stream().mapToInt((l) -> l.unknown.size()).sum(),
                logs.values().stream().mapToInt((l) -> l.refused.size()).sum());
        assertThat(events).extracting(EtcdResponse::etcdIndex).as("in index order, none twice").isSorted()
            .doesNotHaveDuplicates();
        assertThat(events).extracting(EtcdResponse::action).doesNotContain("resync");
        for (Map.Entry<Integer, WriterLog> entry : logs.entrySet()) {
            WriterLog log = entry.getValue();
            List<Integer> seen = events.stream()
                .filter((e) -> e.node().key().equals("/chaos/writer" + entry.getKey()))
                .map((e) -> Integer.parseInt(e.node().value()))
                .toList();
            assertThat(seen).as("writer %s: none twice", entry.getKey()).doesNotHaveDuplicates();
            // Acknowledged writes were made one after another, so etcd ordered them so; a write of unknown outcome
            // may land after later ones (the server went on with it after the client gave up), and is seen there.
            assertThat(seen.stream().filter(log.acknowledged::contains).toList())
                .as("writer %s: acknowledged writes in order", entry.getKey()).isSorted();
            assertThat(seen).as("writer %s: every acknowledged write", entry.getKey())
                .containsAll(log.acknowledged);
            assertThat(seen).as("writer %s: nothing refused", entry.getKey()).doesNotContainAnyElementsOf(log.refused);
            assertThat(seen).as("writer %s: nothing never written", entry.getKey()).allMatch(
                    (seq) -> log.acknowledged.contains(seq) || log.unknown.contains(seq));
        }
    }
}
