// One job: the argument checks of the v3-native API's options, so that every refusal names what was wrong.
package dev.etcdspring.core.kv;

import java.time.Duration;

/**
 * Argument checks shared by this package's options.
 */
final class KvChecks {

    private KvChecks() {
    }

    static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    static long notNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }

    static Duration positive(Duration value, String name) {
        notNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
