package dev.etcdspring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one backoff: intervals that grow to their bound, pauses drawn from the part of the interval the jitter
 * leaves, and the limits that end a sequence; and Spring's retry takes it as its {@code BackOff}.
 */
class EtcdBackoffTest {

    @Test
    void withoutJitterThePausesAreTheIntervalsDoublingUpToTheMax() {
        BackOffExecution pauses = EtcdBackoff.exponential(Duration.ofMillis(100), Duration.ofMillis(500)).start();
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(pauses.nextBackOff());
        }
        assertThat(seen).containsExactly(100L, 200L, 400L, 500L, 500L, 500L);
    }

    @Test
    void theMultiplierSetsTheGrowth() {
        BackOffExecution pauses = EtcdBackoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).multiplier(1.5)
            .start();
        assertThat(List.of(pauses.nextBackOff(), pauses.nextBackOff(), pauses.nextBackOff())).containsExactly(10L, 15L,
                22L);  // 22.5 ms, in whole milliseconds
    }

    @Test
    void halfAJitterDrawsEachPauseBetweenHalfAndAllOfItsInterval() {
        EtcdBackoff backoff = EtcdBackoff.exponential(Duration.ofMillis(100), Duration.ofMillis(400)).jitter(0.5);
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        for (int run = 0; run < 2000; run++) {
            BackOffExecution pauses = backoff.start();
            long first = pauses.nextBackOff();
            assertThat(first).isBetween(50L, 100L);
            assertThat(pauses.nextBackOff()).isBetween(100L, 200L);
            assertThat(pauses.nextBackOff()).isBetween(200L, 400L);
            assertThat(pauses.nextBackOff()).isBetween(200L, 400L);
            lowest = Math.min(lowest, first);
            highest = Math.max(highest, first);
        }
        // Drawn at random over the whole range, not stuck at one end.
        assertThat(lowest).isLessThan(60L);
        assertThat(highest).isGreaterThan(90L);
    }

    @Test
    void aFullJitterDrawsAnythingUpToTheInterval() {
        EtcdBackoff backoff = EtcdBackoff.exponential(Duration.ofMillis(8), Duration.ofMillis(8)).jitter(1.0);
        boolean sawZero = false;
        for (int run = 0; run < 2000; run++) {
            long pause = backoff.start().nextBackOff();
            assertThat(pause).isBetween(0L, 8L);
            sawZero |= pause == 0;
        }
        assertThat(sawZero).isTrue();
    }

    @Test
    void maxAttemptsEndsTheSequence() {
        BackOffExecution pauses = EtcdBackoff.exponential(Duration.ofMillis(1), Duration.ofMillis(1)).maxAttempts(3)
            .start();
        assertThat(List.of(pauses.nextBackOff(), pauses.nextBackOff(), pauses.nextBackOff(), pauses.nextBackOff()))
            .containsExactly(1L, 1L, 1L, BackOffExecution.STOP);
    }

    @Test
    void maxElapsedStopsBeforeAPauseThatWouldEndLate() {
        BackOffExecution pauses = EtcdBackoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(5))
            .maxElapsed(Duration.ofSeconds(12))
            .start();
        // Nobody slept, so the clock has barely moved: the sequence counts time, not pauses, and a second pause of
        // 5 s still ends within the 12 s. A first pause that would end after the limit is a stop.
        assertThat(pauses.nextBackOff()).isEqualTo(5000L);
        BackOffExecution tight = EtcdBackoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(5))
            .maxElapsed(Duration.ofSeconds(4))
            .start();
        assertThat(tight.nextBackOff()).isEqualTo(BackOffExecution.STOP);
    }

    @Test
    void eachStartBeginsAfresh() {
        EtcdBackoff backoff = EtcdBackoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)).maxAttempts(1);
        BackOffExecution first = backoff.start();
        assertThat(first.nextBackOff()).isEqualTo(10L);
        assertThat(first.nextBackOff()).isEqualTo(BackOffExecution.STOP);
        assertThat(backoff.start().nextBackOff()).isEqualTo(10L);
    }

    @Test
    void springsRetryTakesItAsItsBackOff() {
        RetryPolicy policy = RetryPolicy.builder()
            .backOff(EtcdBackoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2)).maxAttempts(2))
            .build();
        int[] calls = new int[1];
        assertThatThrownBy(() -> new RetryTemplate(policy).execute(() -> {
            calls[0]++;
            throw new IllegalStateException("no");
        })).isInstanceOf(RetryException.class);
        assertThat(calls[0]).isEqualTo(3);
    }

    @Test
    void badBoundsAreRefusedNamingThem() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> EtcdBackoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .withMessageContaining("max backoff (PT1S) must not be below the initial backoff (PT2S)");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdBackoff.exponential(Duration.ZERO, Duration.ZERO))
            .withMessageContaining("initial backoff must be positive");
        EtcdBackoff backoff = EtcdBackoff.exponential(Duration.ofMillis(1), Duration.ofMillis(1));
        assertThatIllegalArgumentException().isThrownBy(() -> backoff.jitter(1.5)).withMessageContaining("jitter");
        assertThatIllegalArgumentException().isThrownBy(() -> backoff.multiplier(0.5)).withMessageContaining("multiplier");
        assertThatIllegalArgumentException().isThrownBy(() -> backoff.maxAttempts(-1)).withMessageContaining("maxAttempts");
        assertThatIllegalArgumentException().isThrownBy(() -> backoff.maxElapsed(Duration.ZERO))
            .withMessageContaining("maxElapsed");
    }
}
