package dev.etcdspring.core;

import java.time.Duration;

/**
 * Argument checks shared by the options and the builder, so that every refusal names what was wrong.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    static void backoff(Duration initial, Duration max, String what) {
        positive(initial, what + " initial backoff");
        positive(max, what + " max backoff");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    what + " max backoff (" + max + ") must not be below the initial backoff (" + initial + ")");
        }
    }

    static Duration positive(Duration value, String name) {
        notNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
