// One job: what a range read found, and at which revision.
package dev.etcdspring.core.kv;

import java.util.List;

/**
 * The keys a range read found.
 *
 * @param kvs the keys, in the order asked for; empty for a count-only read or when nothing matched
 * @param count how many keys the range holds, the limit not applied
 * @param more whether the range holds more keys than were returned (a limit was reached)
 * @param revision the revision of the keyspace when the read was made: the answer's header revision, which for a
 *        read {@link RangeOptions#revision(long) at an older revision} is the current one, not the one read at
 */
public record RangeResult(List<KeyValue> kvs, long count, boolean more, long revision) implements OpResult {

    /**
     * Copies the list.
     *
     * @param kvs the keys
     * @param count the count
     * @param more whether there are more
     * @param revision the revision
     */
    public RangeResult {
        kvs = List.copyOf(kvs);
    }

    /**
     * The first key found.
     *
     * @return the first key, or {@code null} when nothing matched
     */
    public KeyValue first() {
        return this.kvs.isEmpty() ? null : this.kvs.get(0);
    }
}
