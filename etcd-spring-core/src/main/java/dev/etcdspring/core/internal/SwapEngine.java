package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import dev.etcdspring.core.EtcdBackoff;
import dev.etcdspring.core.EtcdClientListener;
import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.EtcdSwapExhaustedException;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.observation.EtcdObservationContext;

import org.springframework.util.backoff.BackOffExecution;

/**
 * Runs {@code swap}: read, apply the function, compare-and-set, again after a backoff while the comparison fails,
 * within a number of attempts and a time bound.
 *
 * <p>Swaps of one key through this engine take turns in a {@link SwapLane}: in the same process they would only
 * make each other's compare-and-set fail. A swap that finishes while another waits hands it the node it wrote, and
 * the next one compares against that without reading first: under contention a swap costs one request instead of
 * two and fails no comparisons against its neighbours. A write from elsewhere in between fails that comparison,
 * and the swap reads afresh.
 */
public final class SwapEngine {

    private final EtcdProtocol protocol;

    private final EtcdClientListener listener;

    private final int maxAttempts;

    private final Duration timeout;

    private final EtcdBackoff backoff;

    private final Map<String, SwapLane> lanes = new ConcurrentHashMap<>();

    /**
     * Creates the engine.
     *
     * @param protocol the protocol to read and compare-and-set through
     * @param listener told how each swap ended
     * @param maxAttempts the most compare-and-sets of one swap
     * @param timeout how long one swap keeps trying, its wait for its turn included
     * @param initialBackoff the first pause is this give or take as much of jitter
     * @param maxBackoff the longest pause
     */
    public SwapEngine(EtcdProtocol protocol, EtcdClientListener listener, int maxAttempts, Duration timeout,
            Duration initialBackoff, Duration maxBackoff) {
        this.protocol = protocol;
        this.listener = listener;
        this.maxAttempts = maxAttempts;
        this.timeout = timeout;
        // Intervals of twice the initial pause, doubling up to the longest, each pause anywhere below its
        // interval: the first is the initial pause give or take as much again.
        Duration first = initialBackoff.multipliedBy(2);
        this.backoff = EtcdBackoff.exponential((first.compareTo(maxBackoff) > 0) ? maxBackoff : first, maxBackoff)
            .jitter(1.0)
            .maxAttempts(maxAttempts)
            .maxElapsed(timeout);
    }

    /**
     * Swaps the value of a key, reporting the attempts to the listener and to the observation however it ends.
     *
     * @param key the normalised key, not the root
     * @param fn the function from the current value to the next; not {@code null}
     * @param context the observation, or {@code null}
     * @return the value written
     * @throws EtcdSwapExhaustedException when the bounds ran out
     */
    public String swap(String key, UnaryOperator<String> fn, EtcdObservationContext context) {
        int[] attempts = new int[1];
        boolean swapped = false;
        try {
            String next = swapUntilDone(key, fn, attempts);
            swapped = true;
            return next;
        }
        finally {
            if (attempts[0] > 0) {
                this.listener.swapFinished(key, attempts[0], swapped);
            }
            if (context != null) {
                context.setAttempts(attempts[0]);
            }
        }
    }

    /**
     * Takes a turn in the key's lane and swaps. {@code tries[0]} counts the compare-and-sets as they happen, so
     * that the caller can report them however the loop ends, by return or by exception.
     */
    private String swapUntilDone(String k, UnaryOperator<String> fn, int[] tries) {
        long deadline = System.nanoTime() + this.timeout.toNanos();
        SwapLane lane = this.lanes.compute(k, (name, existing) -> ((existing != null) ? existing : new SwapLane())
            .join());
        try {
            lane.enter(k, deadline, this.timeout);
            try {
                return swapInLane(k, fn, tries, deadline, lane);
            }
            finally {
                lane.exit();
            }
        }
        finally {
            this.lanes.computeIfPresent(k, (name, existing) -> existing.leave() ? null : existing);
        }
    }

    private String swapInLane(String k, UnaryOperator<String> fn, int[] tries, long deadline, SwapLane lane) {
        BackOffExecution backOff = this.backoff.start();
        EtcdCompareFailedException lastFailure;
        int attempts = 0;
        while (true) {
            EtcdNode handedOver = lane.takeHandOver();
            EtcdNode node = (handedOver != null) ? handedOver
                    : valueNode(k, this.protocol.get(k, ReadOptions.defaults().quorum(true)));
            String next = fn.apply(node.value());
            if (next == null) {
                throw new IllegalArgumentException("the swap function returned null for key '" + k
                        + "' at index " + node.modifiedIndex() + "; it must return the new value");
            }
            EtcdKeys.checkValue(next, "the value returned by the swap function", k);
            attempts++;
            tries[0] = attempts;
            try {
                EtcdResponse written = this.protocol.put(k, next,
                        WriteOptions.defaults().prevIndex(node.modifiedIndex()));
                if (lane.isWaitedFor() && written.node() != null && written.node().modifiedIndex() > 0) {
                    lane.handOver(written.node());
                }
                return next;
            }
            catch (EtcdCompareFailedException ex) {
                lastFailure = ex;
            }
            if (attempts >= this.maxAttempts) {
                break;
            }
            if (handedOver != null) {
                // Someone outside this template wrote since the last swap here: read afresh at once.
                continue;
            }
            long pause = backOff.nextBackOff();
            if (pause == BackOffExecution.STOP || System.nanoTime() + pause * 1_000_000 > deadline) {
                break;
            }
            Pauses.sleep(pause, k, "swap of '" + k + "' was interrupted; the key was not changed by it");
        }
        throw new EtcdSwapExhaustedException("swap of '" + k + "' gave up after " + attempts
                + " attempts: the key changed between each read and its compare-and-set (bounds: "
                + this.maxAttempts + " attempts, " + this.timeout + ")",
                EtcdException.Details.forKey(k)
                    .errorCode(EtcdException.COMPARE_FAILED)
                    .httpStatus(lastFailure.getHttpStatus())
                    .index(lastFailure.getIndex())
                    .etcdMessage(lastFailure.getEtcdMessage())
                    .etcdCause(lastFailure.getEtcdCause())
                    .build(),
                attempts, lastFailure);
    }

    /**
     * The node of a response that must be a key with a value, as etcd's "Not a file" otherwise.
     *
     * @param key the key read
     * @param response the answer
     * @return its node
     * @throws EtcdException with {@link EtcdException#NOT_FILE} when the node is a directory
     */
    public static EtcdNode valueNode(String key, EtcdResponse response) {
        if (response.node().dir()) {
            throw EtcdErrors.local(EtcdException.NOT_FILE, "Not a file", key, response.etcdIndex(),
                    response.httpStatus());
        }
        return response.node();
    }
}
