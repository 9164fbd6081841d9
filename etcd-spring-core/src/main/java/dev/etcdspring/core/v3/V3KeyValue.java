// One job: the v3-native key-value operations over the gateway: each call checked, observed, and sent as one
// request whose bytes are the caller's.
package dev.etcdspring.core.v3;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.internal.Observations;
import dev.etcdspring.core.internal.TemplateScope;
import dev.etcdspring.core.kv.DeleteOptions;
import dev.etcdspring.core.kv.DeleteResult;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.kv.EtcdTxn;
import dev.etcdspring.core.kv.KeyRange;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.kv.KvBytes;
import dev.etcdspring.core.kv.KvWatchEvent;
import dev.etcdspring.core.kv.KvWatchOptions;
import dev.etcdspring.core.kv.PutOptions;
import dev.etcdspring.core.kv.PutResult;
import dev.etcdspring.core.kv.RangeOptions;
import dev.etcdspring.core.kv.RangeResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link EtcdKeyValueOperations} on the v3 JSON gateway. Each operation is one {@code etcd.client.requests}
 * observation: {@code range}, {@code put}, {@code delete-range}, {@code txn}, {@code compact}; a scan is one
 * {@code range} per page.
 */
final class V3KeyValue implements EtcdKeyValueOperations {

    private final V3Gateway gateway;

    private final V3Watch watch;

    private final Observations observations;

    private final boolean serializableReads;

    private final TemplateScope scope;

    V3KeyValue(V3Gateway gateway, V3Watch watch, Observations observations, boolean serializableReads,
            TemplateScope scope) {
        this.gateway = gateway;
        this.watch = watch;
        this.observations = observations;
        this.serializableReads = serializableReads;
        this.scope = scope;
    }

    @Override
    public RangeResult get(byte[] key, RangeOptions options) {
        return range(key, options);
    }

    /** One range request; its arguments are checked inside the observation, a refusal being a client error. */
    private RangeResult range(byte[] key, RangeOptions options) {
        String shown = shown(key);
        return this.observations.observe("range", shown, (context) -> {
            byte[] k = KvBytes.key(key, "key");
            check(options, "options");
            ObjectNode request = V3KvCodec.range(k, options, serializable(options));
            JsonNode answer = this.gateway.post("/v3/kv/range", request, true, options.getTimeout(), shown);
            return V3KvCodec.rangeResult(answer, V3Json.revision(answer));
        });
    }

    /** Whether a read is serializable: as its options say, or as the template's read consistency. */
    boolean serializable(RangeOptions options) {
        return (options.getSerializable() != null) ? options.getSerializable() : this.serializableReads;
    }

    @Override
    public Stream<KeyValue> scan(byte[] key, RangeOptions options, int pageSize) {
        byte[] k = KvBytes.key(key, "key");
        check(options, "options");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
        }
        boolean keyOrder = options.getSortOrder() == RangeOptions.SortOrder.NONE
                || (options.getSortOrder() == RangeOptions.SortOrder.ASCEND
                        && options.getSortTarget() == RangeOptions.SortTarget.KEY);
        if (options.getLimit() > 0 || options.isCountOnly() || !keyOrder) {
            throw new IllegalArgumentException("a scan of " + KvBytes.display(k)
                    + " reads every key in key order, page by page: it takes no limit, count-only or sort, got "
                    + options);
        }
        return StreamSupport.stream(pages(k, options, pageSize), false);
    }

    /** The keys of a range, read page by page as they are consumed, at one revision. */
    Pages pages(byte[] key, RangeOptions options, int pageSize) {
        return new Pages(key, options, pageSize);
    }

    /** The pages of a scan, each read when the stream reaches it, all at the revision of the first. */
    final class Pages extends Spliterators.AbstractSpliterator<KeyValue> {

        private final byte[] end;

        private final RangeOptions options;

        private byte[] next;

        private long revision;

        private Iterator<KeyValue> page = Collections.emptyIterator();

        private boolean more = true;

        Pages(byte[] key, RangeOptions options, int pageSize) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE);
            this.end = options.getRange().endFor(key);
            this.options = options.limit(pageSize).sortBy(RangeOptions.SortTarget.KEY, RangeOptions.SortOrder.NONE);
            this.next = key;
            this.revision = options.getRevision();
        }

        @Override
        public boolean tryAdvance(Consumer<? super KeyValue> action) {
            while (!this.page.hasNext()) {
                if (!this.more) {
                    return false;
                }
                RangeOptions read = this.options.revision(this.revision);
                read = (this.end != null) ? read.range(KeyRange.to(this.end)) : read.range(KeyRange.single());
                RangeResult result = range(this.next, read);
                if (this.revision == 0) {
                    // The header revision is the keyspace's current one, also for a read at an older revision: it
                    // fixes the revision of the later pages only when none was asked for.
                    this.revision = result.revision();
                }
                this.more = result.more() && !result.kvs().isEmpty();
                if (!result.kvs().isEmpty()) {
                    byte[] last = result.kvs().get(result.kvs().size() - 1).keyBytes();
                    this.next = Arrays.copyOf(last, last.length + 1);
                }
                this.page = result.kvs().iterator();
            }
            action.accept(this.page.next());
            return true;
        }

        /** The revision the pages are read at; known once the first page was read. */
        long revision() {
            return this.revision;
        }
    }

    @Override
    public PutResult put(byte[] key, byte[] value, PutOptions options) {
        String shown = shown(key);
        return this.observations.observe("put", shown, (context) -> {
            byte[] k = KvBytes.key(key, "key");
            byte[] v = KvBytes.value(value, "value of " + shown);
            check(options, "options");
            JsonNode answer = this.gateway.post("/v3/kv/put", V3KvCodec.put(k, v, options), false,
                    options.getTimeout(), shown);
            return V3KvCodec.putResult(answer, V3Json.revision(answer));
        });
    }

    @Override
    public DeleteResult delete(byte[] key, DeleteOptions options) {
        String shown = shown(key);
        return this.observations.observe("delete-range", shown, (context) -> {
            byte[] k = KvBytes.key(key, "key");
            check(options, "options");
            JsonNode answer = this.gateway.post("/v3/kv/deleterange", V3KvCodec.delete(k, options), false,
                    options.getTimeout(), shown);
            return V3KvCodec.deleteResult(answer, V3Json.revision(answer));
        });
    }

    @Override
    public long compact(long revision, boolean physical) {
        if (revision < 1) {
            throw new IllegalArgumentException("the revision to compact up to must be positive, got " + revision);
        }
        return this.observations.observe("compact", null, (context) -> {
            ObjectNode request = V3Json.object().put("revision", Long.toString(revision)).put("physical", physical);
            // Compacting twice to one revision is refused the second time: the request is not sent again.
            return V3Json.revision(this.gateway.post("/v3/kv/compaction", request, false, null,
                    "revision " + revision));
        });
    }

    @Override
    public EtcdTxn txn() {
        return new V3Txn(this.gateway, this.observations);
    }

    @Override
    public EtcdWatch watch(byte[] key, KvWatchOptions options, Consumer<KvWatchEvent> listener) {
        byte[] k = KvBytes.key(key, "key");
        check(options, "options");
        check(listener, "listener");
        return this.scope.watch(new V3KvWatchSource(k, options, this, this.watch), options.getFromRevision(),
                options.getErrorHandler(), listener);
    }

    /** A key as observations and messages show it; {@code null} for none. */
    private static String shown(byte[] key) {
        return (key != null) ? KvBytes.display(key) : null;
    }

    private static void check(Object argument, String name) {
        if (argument == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }
}
