package dev.etcdspring.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The one backoff of the client: the pauses between the attempts of {@code swap}, of a watch after failures, of
 * {@code createInOrder} while other writers take its names, and of the configuration import's retries. Each of
 * them has its own bounds; the shape is always the same: an interval that starts at {@code initial}, grows by the
 * multiplier after each pause and stops growing at {@code max}, each pause drawn at random from the upper part of
 * its interval that the {@link #jitter(double) jitter} leaves (so that clients that failed together spread out),
 * for at most {@link #maxAttempts(long) so many} pauses or {@link #maxElapsed(Duration) so long}.
 *
 * <p>It is a Spring {@link BackOff}, so Spring's {@link org.springframework.core.retry.RetryPolicy} takes it as it
 * is. Immutable; each {@link #start()} begins a new sequence of pauses.
 *
 * <pre>{@code
 * EtcdBackoff backoff = EtcdBackoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10)).jitter(0.5);
 * }</pre>
 */
public final class EtcdBackoff implements BackOff {

    private final Duration initial;

    private final Duration max;

    private final double multiplier;

    private final double jitter;

    private final long maxAttempts;

    private final Duration maxElapsed;

    private EtcdBackoff(Duration initial, Duration max, double multiplier, double jitter, long maxAttempts,
            Duration maxElapsed) {
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.maxAttempts = maxAttempts;
        this.maxElapsed = maxElapsed;
    }

    /**
     * Pauses that start at {@code initial} and double up to {@code max}, without jitter or limit.
     *
     * @param initial the first interval; positive
     * @param max the longest interval; not below {@code initial}
     * @return the backoff
     * @throws IllegalArgumentException if either is not positive, or {@code max} is below {@code initial}
     */
    public static EtcdBackoff exponential(Duration initial, Duration max) {
        OptionChecks.backoff(initial, max, "backoff");
        return new EtcdBackoff(initial, max, 2.0, 0, Long.MAX_VALUE, null);
    }

    /**
     * The factor each interval grows by.
     *
     * @param multiplier at least 1; the default is 2
     * @return a backoff with that multiplier
     */
    public EtcdBackoff multiplier(double multiplier) {
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be at least 1, got " + multiplier);
        }
        return new EtcdBackoff(this.initial, this.max, multiplier, this.jitter, this.maxAttempts, this.maxElapsed);
    }

    /**
     * How much of each interval is left to chance: each pause is drawn uniformly between {@code (1 - jitter)} and
     * all of its interval. 0 pauses exactly the interval; 0.5, between half and all of it (the lower half keeps the
     * rate of attempts against a dead server bounded); 1, anything up to it.
     *
     * @param jitter between 0 and 1; the default is 0
     * @return a backoff with that jitter
     */
    public EtcdBackoff jitter(double jitter) {
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("backoff jitter must be between 0 and 1, got " + jitter);
        }
        return new EtcdBackoff(this.initial, this.max, this.multiplier, jitter, this.maxAttempts, this.maxElapsed);
    }

    /**
     * How many pauses a sequence has before it says {@link BackOffExecution#STOP}.
     *
     * @param maxAttempts at least 0; the default is no limit
     * @return a backoff with that limit
     */
    public EtcdBackoff maxAttempts(long maxAttempts) {
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("backoff maxAttempts must not be negative, got " + maxAttempts);
        }
        return new EtcdBackoff(this.initial, this.max, this.multiplier, this.jitter, maxAttempts, this.maxElapsed);
    }

    /**
     * How long after its {@link #start()} a sequence stops: a pause that would end later is
     * {@link BackOffExecution#STOP} instead.
     *
     * @param maxElapsed a positive duration; the default is no limit
     * @return a backoff with that limit
     */
    public EtcdBackoff maxElapsed(Duration maxElapsed) {
        OptionChecks.positive(maxElapsed, "backoff maxElapsed");
        return new EtcdBackoff(this.initial, this.max, this.multiplier, this.jitter, this.maxAttempts, maxElapsed);
    }

    /**
     * The first interval.
     *
     * @return the first interval
     */
    public Duration getInitial() {
        return this.initial;
    }

    /**
     * The longest interval.
     *
     * @return the longest interval
     */
    public Duration getMax() {
        return this.max;
    }

    /**
     * Begins a sequence of pauses: each {@link BackOffExecution#nextBackOff()} is the next pause in milliseconds,
     * or {@link BackOffExecution#STOP} once the attempts or the time are used up. A sequence belongs to one caller
     * at a time.
     *
     * @return the sequence
     */
    @Override
    public BackOffExecution start() {
        long deadline = (this.maxElapsed != null) ? System.nanoTime() + this.maxElapsed.toNanos() : Long.MAX_VALUE;
        return new Execution(deadline);
    }

    @Override
    public String toString() {
        return "EtcdBackoff[initial=" + this.initial + ", max=" + this.max + ", multiplier=" + this.multiplier
                + ", jitter=" + this.jitter + ((this.maxAttempts != Long.MAX_VALUE) ? ", maxAttempts=" + this.maxAttempts : "")
                + ((this.maxElapsed != null) ? ", maxElapsed=" + this.maxElapsed : "") + "]";
    }

    /** One sequence of pauses. */
    private final class Execution implements BackOffExecution {

        private final long deadline;

        private double interval = EtcdBackoff.this.initial.toMillis();

        private long pauses;

        Execution(long deadline) {
            this.deadline = deadline;
        }

        @Override
        public long nextBackOff() {
            if (this.pauses >= EtcdBackoff.this.maxAttempts) {
                return STOP;
            }
            long ceiling = (long) Math.min(this.interval, EtcdBackoff.this.max.toMillis());
            long floor = Math.round(ceiling * (1 - EtcdBackoff.this.jitter));
            long pause = (floor >= ceiling) ? ceiling : ThreadLocalRandom.current().nextLong(floor, ceiling + 1);
            if (this.deadline != Long.MAX_VALUE && System.nanoTime() + pause * 1_000_000 - this.deadline > 0) {
                return STOP;
            }
            this.pauses++;
            this.interval = Math.min(this.interval * EtcdBackoff.this.multiplier, EtcdBackoff.this.max.toMillis());
            return pause;
        }

        @Override
        public String toString() {
            return "EtcdBackoff.Execution[pauses=" + this.pauses + ", interval=" + (long) this.interval + "ms]";
        }
    }
}
