// One job: the v3-native key-value operations' contract (jetcd's KV): keys and values verbatim, revisions,
// ranges, transactions and watches.
package dev.etcdspring.core.kv;

import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.etcdspring.core.EtcdWatch;

/**
 * etcd's v3 keyspace as etcdctl, Go services and jetcd see it, from
 * {@link dev.etcdspring.core.EtcdOperations#opsForKeyValue()}.
 *
 * <p>Keys and values are bytes, taken and returned exactly: nothing is added (no leading {@code /}), nothing
 * refused that etcd accepts. {@code foo}, {@code /foo} and {@code //foo} are three keys, and a key may hold a
 * value and be the prefix of others. A {@code String} is its UTF-8 bytes; text that UTF-8 cannot hold as it is
 * (a lone surrogate) is refused with an {@link IllegalArgumentException} before any request, as are {@code null}
 * and an empty key (etcd has none).
 *
 * <p>Every result carries the revision it was read or written at. Reads are linearizable unless the options or
 * the template's read consistency say otherwise. Failures are {@link dev.etcdspring.core.EtcdException}s, as
 * for the directory API: a revision compacted away has
 * {@link dev.etcdspring.core.EtcdException#EVENT_INDEX_CLEARED}, and a write whose answer was lost says that it
 * {@link dev.etcdspring.core.EtcdException#isOutcomeUnknown() may have been applied}.
 */
public interface EtcdKeyValueOperations {

    /**
     * Reads one key.
     *
     * @param key the key, as UTF-8
     * @return the key, or {@code null} if it does not exist
     */
    default KeyValue get(String key) {
        return get(KvBytes.utf8(key, "key"), RangeOptions.defaults()).first();
    }

    /**
     * Reads one key.
     *
     * @param key the key
     * @return the key, or {@code null} if it does not exist
     */
    default KeyValue get(byte[] key) {
        return get(key, RangeOptions.defaults()).first();
    }

    /**
     * Reads a key or a range ({@code etcdctl get}).
     *
     * @param key the key, or the start of the range, as UTF-8
     * @param options which keys, at which revision, how many, in which order; must not be {@code null}
     * @return what was found
     */
    default RangeResult get(String key, RangeOptions options) {
        return get(KvBytes.utf8(key, "key"), options);
    }

    /**
     * Reads a key or a range.
     *
     * @param key the key, or the start of the range
     * @param options which keys, at which revision, how many, in which order; must not be {@code null}
     * @return what was found
     */
    RangeResult get(byte[] key, RangeOptions options);

    /**
     * Reads every key that starts with a prefix, in key order, in one answer ({@code etcdctl get --prefix}). For a
     * prefix that may hold many keys, {@link #scan(String, int)} reads it page by page.
     *
     * @param prefix the prefix, as UTF-8
     * @return what was found
     */
    default RangeResult getPrefix(String prefix) {
        return get(KvBytes.utf8(prefix, "prefix"), RangeOptions.prefix());
    }

    /**
     * Reads every key that starts with a prefix, page by page, all at one revision: the first page's, so that the
     * stream is one consistent state of the keyspace however long it takes to read. Lazy: a page is read when the
     * stream reaches it.
     *
     * @param prefix the prefix, as UTF-8
     * @param pageSize how many keys each request reads; positive
     * @return the keys, in key order
     */
    default Stream<KeyValue> scan(String prefix, int pageSize) {
        return scan(KvBytes.utf8(prefix, "prefix"), RangeOptions.prefix(), pageSize);
    }

    /**
     * Reads a range page by page, at one revision (the options' revision, or the first page's).
     *
     * @param key the start of the range
     * @param options the range, revision, consistency, keys-only and timeout; no limit, count-only or sort
     * @param pageSize how many keys each request reads; positive
     * @return the keys, in key order
     * @throws IllegalArgumentException for options with a limit, a sort or count-only
     * @throws dev.etcdspring.core.EtcdException from the stream's operations, when a page cannot be read (such as
     *         when etcd compacted the revision while the stream was read)
     */
    Stream<KeyValue> scan(byte[] key, RangeOptions options, int pageSize);

    /**
     * Writes a key.
     *
     * @param key the key, as UTF-8
     * @param value the value, as UTF-8
     * @return the revision of the write
     */
    default PutResult put(String key, String value) {
        return put(KvBytes.utf8(key, "key"), KvBytes.utf8(value, "value"), PutOptions.defaults());
    }

    /**
     * Writes a key ({@code etcdctl put}).
     *
     * @param key the key, as UTF-8
     * @param value the value, as UTF-8
     * @param options the lease, whether to return the previous value, whether to keep the value or the lease;
     *        must not be {@code null}
     * @return the revision of the write, and the previous key-value when asked for
     */
    default PutResult put(String key, String value, PutOptions options) {
        return put(KvBytes.utf8(key, "key"), KvBytes.utf8(value, "value"), options);
    }

    /**
     * Writes a key.
     *
     * @param key the key
     * @param value the value; may be empty
     * @param options the options; must not be {@code null}
     * @return the revision of the write, and the previous key-value when asked for
     */
    PutResult put(byte[] key, byte[] value, PutOptions options);

    /**
     * Deletes one key.
     *
     * @param key the key, as UTF-8
     * @return how many keys were deleted (0 or 1)
     */
    default DeleteResult delete(String key) {
        return delete(KvBytes.utf8(key, "key"), DeleteOptions.defaults());
    }

    /**
     * Deletes a key or a range ({@code etcdctl del}).
     *
     * @param key the key, or the start of the range, as UTF-8
     * @param options which keys, whether to return them; must not be {@code null}
     * @return how many keys were deleted, and which when asked for
     */
    default DeleteResult delete(String key, DeleteOptions options) {
        return delete(KvBytes.utf8(key, "key"), options);
    }

    /**
     * Deletes a key or a range.
     *
     * @param key the key, or the start of the range
     * @param options which keys, whether to return them; must not be {@code null}
     * @return how many keys were deleted, and which when asked for
     */
    DeleteResult delete(byte[] key, DeleteOptions options);

    /**
     * Deletes every key that starts with a prefix ({@code etcdctl del --prefix}), in one atomic operation.
     *
     * @param prefix the prefix, as UTF-8
     * @return how many keys were deleted
     */
    default DeleteResult deletePrefix(String prefix) {
        return delete(KvBytes.utf8(prefix, "prefix"), DeleteOptions.prefix());
    }

    /**
     * Compacts etcd's history up to a revision ({@code etcdctl compaction}): reads at older revisions, and watches
     * from them, are refused afterwards (a watch gets a {@link KvWatchEvent.Type#RESYNC}).
     *
     * @param revision the revision to compact up to; positive, and not above the current one
     * @param physical whether to wait until the compaction is applied to the backend, so that the space it frees is
     *        reclaimable when this returns
     * @return the revision of the keyspace when etcd answered
     * @throws dev.etcdspring.core.EtcdException with
     *         {@link dev.etcdspring.core.EtcdException#EVENT_INDEX_CLEARED} when the revision was compacted already
     */
    long compact(long revision, boolean physical);

    /**
     * Starts a transaction; {@link EtcdTxn#commit()} sends it.
     *
     * @return a new, empty transaction
     */
    EtcdTxn txn();

    /**
     * Watches a key or a range ({@code etcdctl watch}) on the template's executor, until the watch is closed or the
     * template is. Each change is delivered once and in revision order, across reconnects and failovers: after a
     * failure the watch resumes after the last revision delivered. When etcd compacted away the history the watch
     * needs, the listener gets one {@link KvWatchEvent.Type#RESYNC} with the range as it is, then the changes after
     * it.
     *
     * @param key the key, or the start of the range, as UTF-8
     * @param options the range, start, previous values, progress; must not be {@code null}
     * @param listener receives the events, on the watch's thread; must not be {@code null}
     * @return the running watch; its {@link EtcdWatch#nextIndex()} is the next revision to deliver
     */
    default EtcdWatch watch(String key, KvWatchOptions options, Consumer<KvWatchEvent> listener) {
        return watch(KvBytes.utf8(key, "key"), options, listener);
    }

    /**
     * Watches a key or a range.
     *
     * @param key the key, or the start of the range
     * @param options the range, start, previous values, progress; must not be {@code null}
     * @param listener receives the events; must not be {@code null}
     * @return the running watch
     * @see #watch(String, KvWatchOptions, Consumer)
     */
    EtcdWatch watch(byte[] key, KvWatchOptions options, Consumer<KvWatchEvent> listener);
}
