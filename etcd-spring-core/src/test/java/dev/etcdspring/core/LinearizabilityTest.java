package dev.etcdspring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.EtcdProcess;
import dev.etcdspring.test.LinearizabilityChecker;
import dev.etcdspring.test.LinearizabilityChecker.Kind;
import dev.etcdspring.test.LinearizabilityChecker.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Jepsen-style test: several clients, each with a template of its own over all three members, run linearizable
 * reads, writes and compare-and-sets on a few keys while a nemesis kills members (the leader among them) with
 * {@code SIGKILL} and restarts them. Every operation is recorded with its invocation and completion times: a write
 * whose outcome the template reports as unknown is recorded as such, one it reports as certainly not applied is left
 * out, as is a read without an answer. Each key's history must then be linearizable as a compare-and-set register
 * ({@link LinearizabilityChecker}, which {@code LinearizabilityCheckerTest} shows rejects histories that are not).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class LinearizabilityTest {

    private static final int CLIENTS = 5;

    private static final int KEYS = 3;

    private static final Duration RUN = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    private final EtcdApi api;

    LinearizabilityTest(EtcdApi api) {
        this.api = api;
    }

    @Test
    void historiesUnderMemberKillsAndRestartsAreLinearizable() throws Exception {
        EtcdTemplate setup = EtcdTemplate.builder().endpoints(etcd.endpoints()).api(this.api).build();
        for (int k = 0; k < KEYS; k++) {
            setup.set(key(k), "0");
        }
        Map<Integer, List<Op>> histories = new ConcurrentHashMap<>();
        for (int k = 0; k < KEYS; k++) {
            histories.put(k, new CopyOnWriteArrayList<>());
        }
        AtomicInteger unknown = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> kills = new CopyOnWriteArrayList<>();
        long end = System.nanoTime() + RUN.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(CLIENTS + 1);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int process = c;
                running.add(threads.submit(() -> client(process, end, histories, unknown, failed)));
            }
            running.add(threads.submit(() -> nemesis(end, kills)));
            for (Future<?> f : running) {
                f.get(RUN.toSeconds() + 60, TimeUnit.SECONDS);
            }
        }
        finally {
            threads.shutdownNow();
            for (int i = 0; i < etcd.cluster().members().size(); i++) {
                if (!etcd.cluster().member(i).isRunning()) {
                    etcd.cluster().restart(i);
                }
            }
        }
        int completed = 0;
        for (int k = 0; k < KEYS; k++) {
            List<Op> history = histories.get(k);
            completed += (int) history.stream().filter((op) -> !op.unknown()).count();
            long start = System.nanoTime();
            LinearizabilityChecker.Result result = LinearizabilityChecker.check("0", history);
            System.out.printf("%s %s: %d operations (%d of unknown outcome), linearizable: %s, %d states explored in %d ms%n",
                    this.api, key(k), history.size(), history.stream().filter(Op::unknown).count(),
                    result.linearizable(), result.explored(), (System.nanoTime() - start) / 1_000_000);
            assertThat(result.linearizable()).as("key %s: %d operations; the longest order found ends with %s",
                    key(k), history.size(), tail(result.stuckAt())).isTrue();
        }
        System.out.printf("%s: killed %s; %d operations completed, %d of unknown outcome, %d failed%n", this.api, kills,
                completed, unknown.get(), failed.get());
        assertThat(kills).as("the nemesis killed members").hasSizeGreaterThanOrEqualTo(3);
        assertThat(completed).as("operations completed while members died (%d unknown, %d failed)", unknown.get(),
                failed.get()).isGreaterThan(300);
    }

    private void client(int process, long end, Map<Integer, List<Op>> histories, AtomicInteger unknown,
            AtomicInteger failed) {
        List<String> endpoints = new ArrayList<>(etcd.endpoints());
        Collections.rotate(endpoints, process);
        Random random = new Random(process);
        String[] lastRead = new String[KEYS];
        java.util.Arrays.fill(lastRead, "0");
        int sequence = 0;
        try (EtcdTemplate template = EtcdTemplate.builder()
            .endpoints(endpoints)
            .api(this.api)
            .timeout(Duration.ofSeconds(2))
            .connectTimeout(Duration.ofMillis(300))
            .build()) {
            while (System.nanoTime() < end) {
                int k = random.nextInt(KEYS);
                String key = key(k);
                int choice = random.nextInt(10);
                String value = "p" + process + "-" + (++sequence);
                long invoked = System.nanoTime();
                try {
                    Op op;
                    if (choice < 4) {
                        String read = template.get(key);
                        lastRead[k] = read;
                        op = new Op(process, Kind.READ, null, read, true, invoked, System.nanoTime());
                    }
                    else if (choice < 7) {
                        template.set(key, value);
                        op = new Op(process, Kind.WRITE, null, value, true, invoked, System.nanoTime());
                    }
                    else {
                        String expected = lastRead[k];
                        boolean swapped = template.compareAndSet(key, expected, value);
                        op = new Op(process, Kind.CAS, expected, value, swapped, invoked, System.nanoTime());
                    }
                    histories.get(k).add(op);
                }
                catch (EtcdException ex) {
                    if (ex.isOutcomeUnknown() && choice >= 4) {
                        unknown.incrementAndGet();
                        String expected = (choice < 7) ? null : lastRead[k];
                        histories.get(k).add(new Op(process, (choice < 7) ? Kind.WRITE : Kind.CAS, expected, value,
                                false, invoked, Long.MAX_VALUE));
                    }
                    else {
                        // Certainly not applied, or a read without an answer: no effect to account for.
                        failed.incrementAndGet();
                    }
                }
            }
        }
    }

    /** Kills a member every 2.5 s, the leader every other time, and restarts it 1.5 s later: quorum stays. */
    private void nemesis(long end, List<String> kills) {
        Random random = new Random(7);
        try {
            while (System.nanoTime() + Duration.ofSeconds(3).toNanos() < end) {
                Thread.sleep(1000);
                List<EtcdProcess> followers = etcd.cluster().followers();
                EtcdProcess victim = (kills.size() % 2 == 0) ? etcd.cluster().leader()
                        : followers.get(random.nextInt(followers.size()));
                int index = etcd.cluster().members().indexOf(victim);
                victim.kill();
                kills.add(victim.name());
                Thread.sleep(1500);
                etcd.cluster().restart(index);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private String key(int k) {
        return "/jepsen/" + this.api.name().toLowerCase(java.util.Locale.ROOT) + "/r" + k;
    }

    private static List<Op> tail(List<Op> ops) {
        return ops.subList(Math.max(0, ops.size() - 10), ops.size());
    }
}
