package dev.etcdspring.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pauses of {@code etcd.config.retry.*}, now the client's {@link dev.etcdspring.core.EtcdBackoff}: as many, and
 * as long (within the millisecond Spring's exponential backoff rounds down to at each step), as those of the
 * {@link RetryPolicy} built from the same bounds before.
 */
class EtcdConfigRetryTest {

    @ParameterizedTest
    @CsvSource({ "6, 500ms, 1.5, 4s", "1, 500ms, 1.5, 4s", "0, 500ms, 1.5, 4s", "3, 10ms, 1.5, 4s",
            "12, 100ms, 2, 1s", "4, 1s, 1, 1s", "5, 0ms, 1.5, 4s", "5, 10s, 1.5, 4s" })
    void thePausesAreThoseOfTheSameBoundsBefore(int maxAttempts, String initial, double multiplier, String max) {
        EtcdConfigProperties.Retry retry = new EtcdConfigProperties.Retry();
        retry.setMaxAttempts(maxAttempts);
        retry.setInitialInterval(duration(initial));
        retry.setMultiplier(multiplier);
        retry.setMaxInterval(duration(max));
        BackOff before = RetryPolicy.builder()
            .maxRetries(Math.max(0, maxAttempts - 1))
            .delay(retry.getInitialInterval())
            .multiplier(retry.getMultiplier())
            .maxDelay(retry.getMaxInterval())
            .build()
            .getBackOff();
        List<Long> expected = pauses(before);
        List<Long> actual = pauses(EtcdConfigDataLoader.backoff(retry, maxAttempts));
        assertThat(actual).hasSameSizeAs(expected).hasSize(Math.max(0, maxAttempts - 1));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("pause %d of %s", i, actual).isCloseTo(expected.get(i),
                    org.assertj.core.data.Offset.offset(1L + i));
        }
    }

    private static List<Long> pauses(BackOff backOff) {
        BackOffExecution execution = backOff.start();
        List<Long> pauses = new ArrayList<>();
        for (long pause = execution.nextBackOff(); pause != BackOffExecution.STOP; pause = execution.nextBackOff()) {
            pauses.add(pause);
            assertThat(pauses).as("a bounded sequence").hasSizeLessThan(100);
        }
        return pauses;
    }

    private static Duration duration(String value) {
        return value.endsWith("ms") ? Duration.ofMillis(Long.parseLong(value.replace("ms", "")))
                : Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
    }
}
