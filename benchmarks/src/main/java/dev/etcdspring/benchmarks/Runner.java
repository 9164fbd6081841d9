package dev.etcdspring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * connection) lives across rounds. {@link #measureTimed} also keeps each request's latency.
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

    /** A turn's rate, and every request's latency in nanoseconds (in no order). */
    record Timing(double rate, long[] nanos) {
    }

    /**
     * Runs {@code op} on {@code threads} threads at once until {@code duration} has passed.
     *
     * @return operations per second over the time from the common start to the last thread's end
     */
    double measure(Op op, int threads, Duration duration) throws Exception {
        return run(op, threads, duration, false).rate();
    }

    /**
     * Runs {@code op} as {@link #measure} does, and times each request (two {@code System.nanoTime()} calls, a few
     * tens of nanoseconds beside requests of a few hundred microseconds).
     *
     * @return the rate and the latencies
     */
    Timing measureTimed(Op op, int threads, Duration duration) throws Exception {
        return run(op, threads, duration, true);
    }

    private Timing run(Op op, int threads, Duration duration, boolean timed) throws Exception {
        if (threads > this.maxThreads) {
            throw new IllegalArgumentException(threads + " threads, at most " + this.maxThreads);
        }
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Future<Latencies>> counts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            counts.add(this.workers.submit(() -> {
                Latencies latencies = new Latencies(timed);
                ready.countDown();
                go.await();
                long end = deadline[0];
                if (timed) {
                    for (long now = System.nanoTime(); now < end;) {
                        op.run();
                        long done = System.nanoTime();
                        latencies.add(done - now);
                        now = done;
                    }
                }
                else {
                    while (System.nanoTime() < end) {
                        op.run();
                        latencies.count++;
                    }
                }
                return latencies;
            }));
        }
        ready.await();
        long start = System.nanoTime();
        deadline[0] = start + duration.toNanos();
        go.countDown();
        List<Latencies> all = new ArrayList<>();
        try {
            for (Future<Latencies> count : counts) {
                all.add(count.get());
            }
        }
        catch (ExecutionException ex) {
            for (Future<Latencies> count : counts) {
                count.cancel(true);
            }
            throw (ex.getCause() instanceof Exception cause) ? cause : ex;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long total = all.stream().mapToLong((l) -> l.count).sum();
        long[] nanos = timed ? new long[(int) total] : new long[0];
        if (timed) {
            int at = 0;
            for (Latencies l : all) {
                System.arraycopy(l.values, 0, nanos, at, (int) l.count);
                at += (int) l.count;
            }
        }
        return new Timing(total / seconds, nanos);
    }

    /** One thread's requests: how many, and each one's latency when timed. */
    private static final class Latencies {

        long[] values;

        long count;

        Latencies(boolean timed) {
            this.values = timed ? new long[4096] : null;
        }

        void add(long nanos) {
            if (this.count == this.values.length) {
                this.values = Arrays.copyOf(this.values, this.values.length * 2);
            }
            this.values[(int) this.count++] = nanos;
        }
    }

    @Override
    public void close() {
        this.workers.shutdownNow();
    }
}
