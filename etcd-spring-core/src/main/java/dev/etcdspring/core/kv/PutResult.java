// One job: what a put answered: the revision it made, and the key as it was before when asked for.
package dev.etcdspring.core.kv;

/**
 * The result of a put.
 *
 * @param revision the revision of the put (the key's new mod revision)
 * @param prevKv the key as it was before, when {@link PutOptions#prevKv(boolean)} asked for it and the key
 *        existed; {@code null} otherwise
 */
public record PutResult(long revision, KeyValue prevKv) implements OpResult {
}
