package dev.etcdspring.core.internal;

import java.time.Duration;

import dev.etcdspring.core.EtcdBackoff;
import dev.etcdspring.core.EtcdException;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The pauses of the retried operations on {@link EtcdBackoff}.
 */
class PausesTest {

    @Test
    void pausesUntilTheBackoffStops() {
        BackOffExecution pauses = EtcdBackoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2))
            .jitter(1.0)
            .maxAttempts(3)
            .start();
        assertThat(Pauses.next(pauses, "/k", "interrupted")).isTrue();
        assertThat(Pauses.next(pauses, "/k", "interrupted")).isTrue();
        assertThat(Pauses.next(pauses, "/k", "interrupted")).isTrue();
        assertThat(Pauses.next(pauses, "/k", "interrupted")).isFalse();
    }

    @Test
    void anInterruptEndsTheOperationAndKeepsTheFlag() {
        BackOffExecution pauses = EtcdBackoff.exponential(Duration.ofMillis(50), Duration.ofMillis(50)).start();
        Thread.currentThread().interrupt();
        try {
            assertThatExceptionOfType(EtcdException.class)
                .isThrownBy(() -> Pauses.next(pauses, "/k", "the swap of '/k' was interrupted"))
                .withMessage("the swap of '/k' was interrupted")
                .satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("/k"))
                .withCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        }
        finally {
            Thread.interrupted();
        }
    }
}
