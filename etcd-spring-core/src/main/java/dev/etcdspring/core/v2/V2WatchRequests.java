// One job: the requests of one v2 watch: long polls until the first answer says where etcd's history ends, then
// one stream registered past that end, the changes before it fetched by long polls, and the traps of v2 streams.
package dev.etcdspring.core.v2;

import java.time.Duration;

import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.internal.DirectoryWatchRequests;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import dev.etcdspring.core.internal.WatchSink;

/**
 * The requests of one v2 watch. A long poll ({@code wait=true}) answers one change, so a watch that polls costs a
 * request per change and falls behind a busy writer, out of etcd's 1000-change history. A stream
 * ({@code stream=true}) writes every change on one answer, one line of JSON each, but has two traps, both checked
 * on 3.4.23 and neither announced on the wire:
 *
 * <ul>
 * <li>From an index that etcd's history holds a change at or after, etcd answers that one change and then nothing
 * more: the answer stays open and every later change is lost to it. Only a stream registered past the end of the
 * history gets everything; its answer's {@code X-Etcd-Index} (the store index when etcd took the watch) is below its
 * {@code waitIndex}.</li>
 * <li>A stream whose reader falls behind (etcd's queue of 100 changes per watcher full, because the socket's buffers
 * are) is dropped by etcd, and the answer stays open with nothing more on it.</li>
 * <li>A stream watching a key gets that key's deletion twice, with the same index (a long poll, answered once, does
 * not see it).</li>
 * </ul>
 *
 * <p>So: the first request is a long poll, whose {@code X-Etcd-Index} says where the history ended. At the head
 * (the index to watch from is past that), a stream from that index. Behind, a stream from a little past the end
 * ({@link #STREAM_MARGIN}: room for the changes made while it is being opened), and, while it collects what comes,
 * long polls on another connection for the changes before it; then the stream, or, when the polls reach the head
 * first, a stream from there. A stream whose {@code X-Etcd-Index}
 * is not below its {@code waitIndex} is dropped unread, for a long poll. A stream lasts at most
 * {@link #STREAM_LIFETIME}, the longest a silently dropped one goes unnoticed: the next request starts from the change
 * after the last one delivered, which etcd's history still holds unless 1000 changes were made meanwhile (then the
 * watch resyncs).
 *
 * <p>Used by one watch loop's thread only.
 */
final class V2WatchRequests implements DirectoryWatchRequests {

    /**
     * How far past the end of the history a stream is registered while the watch is behind: writes made while it is
     * being opened must not reach it, or it meets the history.
     */
    static final long STREAM_MARGIN = 100;

    /** How long one stream lasts at most (see the class comment); an idle watch asks again this often. */
    static final Duration STREAM_LIFETIME = Duration.ofSeconds(10);

    private static final byte[] NO_BODY = new byte[0];

    private final V2Protocol protocol;

    private final String key;

    private final boolean recursive;

    /** The store index the last answer gave ({@code X-Etcd-Index}), 0 before the first: where the history ended. */
    private long storeIndex;

    V2WatchRequests(V2Protocol protocol, String key, boolean recursive) {
        this.protocol = protocol;
        this.key = key;
        this.recursive = recursive;
    }

    @Override
    public void watch(long fromIndex, WatchSink<EtcdResponse> sink, Duration timeout) {
        if (this.storeIndex == 0) {
            sink.event(poll(fromIndex, sink, timeout));
            return;
        }
        long streamFrom = (fromIndex > this.storeIndex) ? fromIndex : this.storeIndex + 1 + STREAM_MARGIN;
        stream(fromIndex, streamFrom, sink, timeout);
    }

    /** One long poll from an index: its change, not delivered yet, and where the history ended. */
    private EtcdResponse poll(long fromIndex, WatchSink<EtcdResponse> sink, Duration timeout) {
        HttpCall call = this.protocol.watchCall(this.key, this.recursive, fromIndex, false, timeout);
        EtcdResponse event = this.protocol.transport().stream(call, (endpoint, status, headers, body) -> {
            sink.opened(body);
            return V2Protocol.toResponse(call, HttpAnswer.of(endpoint, status, headers, body.readAllBytes()));
        });
        // Live, the answer's index is the one the poll began at, below the change: the change is then the end.
        this.storeIndex = Math.max(event.etcdIndex(), event.node().modifiedIndex());
        return event;
    }

    /**
     * A stream from {@code streamFrom}, after the changes from {@code fromIndex} before it, which long polls fetch
     * while the stream collects what comes.
     */
    private void stream(long fromIndex, long streamFrom, WatchSink<EtcdResponse> sink, Duration timeout) {
        Duration lasting = (STREAM_LIFETIME.compareTo(timeout) < 0) ? STREAM_LIFETIME : timeout;
        HttpCall call = this.protocol.watchCall(this.key, this.recursive, streamFrom, true, lasting);
        this.protocol.transport().stream(call, (endpoint, status, headers, body) -> {
            sink.opened(body);
            HttpAnswer head = HttpAnswer.of(endpoint, status, headers, NO_BODY);
            if (status != 200) {
                throw V2Errors.INSTANCE.translate(call, new HttpAnswer(endpoint, status, head.headers(),
                        body.readAllBytes()));
            }
            long registeredAt = head.longHeader("X-Etcd-Index");
            if (registeredAt == 0 || registeredAt >= streamFrom) {
                // It may have met the history (or, without the header, nothing tells): one long poll instead.
                body.close();
                sink.event(poll(fromIndex, sink, timeout));
                return null;
            }
            for (long next = fromIndex; next < streamFrom;) {
                EtcdResponse event = poll(next, sink, timeout);
                if (event.node().modifiedIndex() >= streamFrom) {
                    // Nothing left before the stream's first change, which this one is: it comes on the stream.
                    break;
                }
                sink.event(event);
                next = event.node().modifiedIndex() + 1;
                if (next > this.storeIndex) {
                    // At the head before the stream's start: the rest is yet to be written, and long polls would
                    // fetch it one by one. A stream from here instead, next time.
                    body.close();
                    return null;
                }
            }
            // Closing the watch closes the stream's answer again, no longer the last poll's.
            sink.opened(body);
            V2EventLines lines = new V2EventLines(body);
            long last = 0;
            for (byte[] line; (line = lines.next()) != null;) {
                EtcdResponse event = V2Protocol.toResponse(call, new HttpAnswer(endpoint, status, head.headers(), line));
                // A stream gets the deletion of its own key twice (etcd notifies the deleted node's watchers, then
                // the key's): each change is delivered once, by its index.
                if (event.node().modifiedIndex() > last) {
                    last = event.node().modifiedIndex();
                    sink.event(event);
                }
            }
            // etcd ended it (its request timeout): the next request finds out where the history ends.
            this.storeIndex = Math.max(this.storeIndex, registeredAt);
            return null;
        });
    }
}
