// One job: @SchedulerLock on two Spring contexts: one run per slot, on both APIs.
package dev.etcdspring.shedlock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The provider as applications use it, on both APIs against a real etcd: two Spring contexts, two nodes with a
 * template each, run the same {@code @Scheduled} method every 100 ms under {@code @SchedulerLock} with
 * {@code lockAtLeastFor = 2 s}. Both nodes tick all along, yet the method runs on one node only per slot: no lock
 * is taken before the one before has been held for its {@code lockAtLeastFor}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdLockProviderSchedulerLockTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private final List<Run> runs = new CopyOnWriteArrayList<>();

    private final List<Taken> taken = new CopyOnWriteArrayList<>();

    private final Map<String, AtomicInteger> ticks = new ConcurrentHashMap<>();

    private final List<AnnotationConfigApplicationContext> nodes = new ArrayList<>();

    EtcdLockProviderSchedulerLockTest(EtcdApi api) {
        this.api = api;
    }

    @AfterEach
    void stop() {
        this.nodes.forEach(AnnotationConfigApplicationContext::close);
    }

    @Test
    void theScheduledMethodRunsOnOneNodeOnlyPerSlot() {
        String prefix = "scheduled-" + this.api + "/";
        startNode("node-a", prefix);
        startNode("node-b", prefix);

        await().atMost(Duration.ofSeconds(20)).until(() -> this.runs.size() >= 3);
        this.nodes.forEach(AnnotationConfigApplicationContext::close);

        // Every run ran under a lock taken for it, and each lock was taken only once the one before had been
        // held for its lockAtLeastFor. That counts from when ShedLock was asked (the lock's configuration), not
        // from when the run started: a slow request to etcd before a run shortens its slot, as ShedLock means it.
        // (Closing may cancel a run between its lock and its start.)
        assertThat(this.taken).hasSizeBetween(this.runs.size(), this.runs.size() + 1);
        List<Taken> ordered = this.taken.stream().sorted(Comparator.comparing(Taken::at)).toList();
        for (int i = 1; i < ordered.size(); i++) {
            assertThat(ordered.get(i).at()).as("%s after %s", ordered.get(i), ordered.get(i - 1))
                .isAfterOrEqualTo(ordered.get(i - 1).lockAtLeastUntil());
        }
        assertThat(this.ticks.keySet()).containsExactlyInAnyOrder("node-a", "node-b");
        assertThat(this.ticks.values()).allSatisfy((count) -> assertThat(count.get()).isGreaterThan(10));
        assertThat(this.runs).extracting(Run::node).isSubsetOf("node-a", "node-b");
    }

    private void startNode(String node, String prefix) {
        EtcdTemplate template = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean("etcdTemplate", EtcdTemplate.class, () -> template, (bean) -> bean.setDestroyMethodName("close"));
        context.registerBean("nodeName", String.class, () -> node);
        context.registerBean("lockPrefix", String.class, () -> prefix);
        context.registerBean(Journal.class, () -> new Journal(this.runs, this.taken, this.ticks));
        context.register(Node.class);
        context.refresh();
        this.nodes.add(context);
    }

    /** A run of the scheduled method: where and when. */
    record Run(String node, Instant at) {
    }

    /** A lock taken: by which node, when, and until when ShedLock asked it to be held at least. */
    record Taken(String node, Instant at, Instant lockAtLeastUntil) {
    }

    /** What the nodes did, shared by the test and both contexts. */
    record Journal(List<Run> runs, List<Taken> taken, Map<String, AtomicInteger> ticks) {
    }

    /** One node: scheduling, ShedLock on etcd, the report job. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @EnableSchedulerLock(defaultLockAtMostFor = "PT30S")
    static class Node {

        /** The etcd provider, and a note of each lock it gives. */
        @Bean
        LockProvider lockProvider(EtcdTemplate etcdTemplate, Journal journal,
                @Qualifier("lockPrefix") String lockPrefix, @Qualifier("nodeName") String nodeName) {
            EtcdLockProvider provider = new EtcdLockProvider(etcdTemplate, lockPrefix, nodeName);
            return (configuration) -> {
                Optional<SimpleLock> lock = provider.lock(configuration);
                lock.ifPresent((held) -> journal.taken()
                    .add(new Taken(nodeName, ClockProvider.now(), configuration.getLockAtLeastUntil())));
                return lock;
            };
        }

        @Bean
        ReportJob reportJob(Journal journal, @Qualifier("nodeName") String nodeName) {
            return new ReportJob(journal, nodeName);
        }
    }

    /** The scheduled work: a locked method, and an unlocked one that shows the node is ticking. */
    static class ReportJob {

        private final Journal journal;

        private final String node;

        ReportJob(Journal journal, String node) {
            this.journal = journal;
            this.node = node;
        }

        @Scheduled(fixedDelay = 100)
        @SchedulerLock(name = "report", lockAtLeastFor = "PT2S", lockAtMostFor = "PT30S")
        public void report() {
            this.journal.runs().add(new Run(this.node, Instant.now()));
        }

        @Scheduled(fixedDelay = 100)
        public void tick() {
            this.journal.ticks().computeIfAbsent(this.node, (key) -> new AtomicInteger()).incrementAndGet();
        }
    }
}
