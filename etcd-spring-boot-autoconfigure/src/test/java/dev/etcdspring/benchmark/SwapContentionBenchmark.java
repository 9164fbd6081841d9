package dev.etcdspring.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What contention costs {@code swap}: 100 threads increment one counter at once, as in the Clojure README.
 * Reports the wall time, and how many times the swap function ran (each run is one read and one
 * compare-and-set), against one uncontended swap after another as the baseline. Run with
 * {@code -Pbenchmark}; writes {@code target/benchmark-swap.md}.
 */
class SwapContentionBenchmark {

    private static final int THREADS = 100;

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void hundredConcurrentIncrements() throws Exception {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            for (int warmup = 0; warmup < 3; warmup++) {
                run(etcdTemplate, 1);
                run(etcdTemplate, THREADS);
            }
            List<String> lines = new ArrayList<>();
            lines.add("| run | wall ms | function runs | most runs of one swap |");
            lines.add("|---|---|---|---|");
            for (int round = 0; round < 3; round++) {
                lines.add(run(etcdTemplate, 1).row("100 swaps, one at a time (baseline)"));
                lines.add(run(etcdTemplate, THREADS).row("100 swaps, 100 threads at once"));
            }
            String table = String.join("\n", lines) + "\n";
            System.out.println(table);
            Files.writeString(Path.of("target", "benchmark-swap.md"), table);
        }
    }

    private static Result run(EtcdTemplate etcdTemplate, int threads) throws Exception {
        etcdTemplate.set("counter", "0");
        AtomicInteger runs = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            results.add(pool.submit(() -> {
                AtomicInteger mine = new AtomicInteger();
                etcdTemplate.swap("counter", (n) -> {
                    runs.incrementAndGet();
                    mine.incrementAndGet();
                    return Integer.toString(Integer.parseInt(n) + 1);
                });
                return mine.get();
            }));
        }
        int most = 0;
        for (Future<Integer> result : results) {
            most = Math.max(most, result.get());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        pool.shutdown();
        assertThat(etcdTemplate.get("counter")).isEqualTo(Integer.toString(THREADS));
        return new Result(millis, runs.get(), most);
    }

    record Result(long millis, int runs, int most) {

        String row(String name) {
            return "| " + name + " | " + this.millis + " | " + this.runs + " | " + this.most + " |";
        }
    }
}
