// One job: a range of the v3 keyspace as a watch loop's source: its position, its watch stream read into
// KvWatchEvents, and the whole range read again as a resync.
package dev.etcdspring.core.v3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.etcdspring.core.internal.WatchSink;
import dev.etcdspring.core.internal.WatchSource;
import dev.etcdspring.core.kv.KeyValue;
import dev.etcdspring.core.kv.KvBytes;
import dev.etcdspring.core.kv.KvWatchEvent;
import dev.etcdspring.core.kv.KvWatchOptions;
import dev.etcdspring.core.kv.RangeOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Watches exactly the keys of a range, bytes as they are, with etcd's own event types.
 */
final class V3KvWatchSource implements WatchSource<KvWatchEvent> {

    /** How many keys each request of a resync reads. */
    private static final int RESYNC_PAGE = 1000;

    private final byte[] key;

    private final KvWatchOptions options;

    private final V3KeyValue kv;

    private final V3Watch watch;

    private final String name;

    V3KvWatchSource(byte[] key, KvWatchOptions options, V3KeyValue kv, V3Watch watch) {
        this.key = key;
        this.options = options;
        this.kv = kv;
        this.watch = watch;
        this.name = KvBytes.display(key) + (options.getRange().isSingle() ? "" : " (" + options.getRange() + ")");
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public long position() {
        RangeOptions count = RangeOptions.defaults().range(this.options.getRange()).countOnly(true)
            .serializable(false);
        return this.kv.get(this.key, count).revision() + 1;
    }

    @Override
    public void watch(long fromIndex, WatchSink<KvWatchEvent> sink, Duration timeout) {
        ObjectNode create = V3Json.object().put("key", V3KvCodec.base64(this.key))
            .put("start_revision", Long.toString(fromIndex)).put("progress_notify", true);
        byte[] end = this.options.getRange().endFor(this.key);
        if (end != null) {
            create.put("range_end", V3KvCodec.base64(end));
        }
        if (this.options.isPrevKv()) {
            create.put("prev_kv", true);
        }
        this.watch.stream(create, this.name, sink, timeout, (result, call) -> {
            JsonNode events = result.path("events");
            if (events.isEmpty()) {
                if (!result.path("created").asBoolean(false)) {
                    sink.progress(V3Json.revision(result));
                }
                return;
            }
            for (JsonNode event : events) {
                sink.event(event(event));
            }
        });
    }

    private static KvWatchEvent event(JsonNode event) {
        KeyValue kv = V3KvCodec.keyValue(event.path("kv"));
        JsonNode prev = event.path("prev_kv");
        KvWatchEvent.Type type = "DELETE".equals(event.path("type").asString("")) ? KvWatchEvent.Type.DELETE
                : KvWatchEvent.Type.PUT;
        return new KvWatchEvent(type, kv, prev.isMissingNode() ? null : V3KvCodec.keyValue(prev), List.of(),
                kv.modRevision());
    }

    /** Every key of the range, page by page at one revision, linearizably. */
    @Override
    public Resync<KvWatchEvent> resync() {
        List<KeyValue> state = new ArrayList<>();
        V3KeyValue.Pages pages = this.kv.pages(this.key,
                RangeOptions.defaults().range(this.options.getRange()).serializable(false), RESYNC_PAGE);
        pages.forEachRemaining(state::add);
        long revision = pages.revision();
        return new Resync<>(new KvWatchEvent(KvWatchEvent.Type.RESYNC, null, null, state, revision), revision);
    }

    @Override
    public long index(KvWatchEvent event) {
        return event.revision();
    }

    @Override
    public KvWatchEvent deliverable(KvWatchEvent event) {
        return event;
    }

    @Override
    public KvWatchEvent progress(long index) {
        return this.options.isProgressNotify()
                ? new KvWatchEvent(KvWatchEvent.Type.PROGRESS, null, null, List.of(), index) : null;
    }
}
