package dev.etcdspring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an operation in a closed loop on N threads for a fixed time and returns the completed operations per
 * second. The threads are a fixed pool kept for the whole run, so a client's per-thread state (the raw socket's
 * connection) lives across rounds.
 */
final class Runner implements AutoCloseable {

    /** One request; throws on any failure, a wrong answer included. */
    @FunctionalInterface
    interface Op {

        void run() throws Exception;
    }

    private final int maxThreads;

    private final ExecutorService workers;

    Runner(int maxThreads) {
        AtomicInteger n = new AtomicInteger();
        this.maxThreads = maxThreads;
        this.workers = Executors.newFixedThreadPool(maxThreads, (r) -> {
            Thread t = new Thread(r, "bench-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code op} on {@code threads} threads at once until {@code duration} has passed.
     *
     * @return operations per second over the time from the common start to the last thread's end
     */
    double measure(Op op, int threads, Duration duration) throws Exception {
        if (threads > this.maxThreads) {
            throw new IllegalArgumentException(threads + " threads, at most " + this.maxThreads);
        }
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Future<Long>> counts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            counts.add(this.workers.submit(() -> {
                ready.countDown();
                go.await();
                long end = deadline[0];
                long count = 0;
                while (System.nanoTime() < end) {
                    op.run();
                    count++;
                }
                return count;
            }));
        }
        ready.await();
        long start = System.nanoTime();
        deadline[0] = start + duration.toNanos();
        go.countDown();
        long total = 0;
        try {
            for (Future<Long> count : counts) {
                total += count.get();
            }
        }
        catch (ExecutionException ex) {
            for (Future<Long> count : counts) {
                count.cancel(true);
            }
            throw (ex.getCause() instanceof Exception cause) ? cause : ex;
        }
        return total / ((System.nanoTime() - start) / 1e9);
    }

    @Override
    public void close() {
        this.workers.shutdownNow();
    }
}
