// One job: the v3 watch stream: the create request, and the lines of /v3/watch turned into WatchSink calls in
// v2's words (create, set, delete, expire; progress for revisions that change nothing watched).
package dev.etcdspring.core.v3;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.internal.EtcdJson;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import dev.etcdspring.core.internal.HttpTransport;
import dev.etcdspring.core.internal.WatchSink;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * One watch stream from {@code fromIndex}, with previous values and progress notifications. A recursive watch
 * covers the key and everything below it (the range also holds sibling keys such as {@code key-x}, which are
 * left out, their revisions counted as progress). A stream canceled for compaction means the history is lost.
 */
final class V3Watch {

    private static final V3Errors ERRORS = V3Errors.INSTANCE;

    private final HttpTransport transport;

    private final V3Auth auth;

    private final V3Leases leases;

    V3Watch(HttpTransport transport, V3Auth auth, V3Leases leases) {
        this.transport = transport;
        this.auth = auth;
        this.leases = leases;
    }

    void watch(String key, boolean recursive, long fromIndex, WatchSink<EtcdResponse> sink, Duration timeout) {
        ObjectNode create = V3Json.object().put("key", V3Keys.base64(key))
            .put("start_revision", Long.toString(fromIndex)).put("prev_kv", true).put("progress_notify", true);
        if (recursive) {
            create.put("range_end", V3Keys.prefixEnd(V3Keys.dirPrefix(key)));
        }
        stream(create, key, sink, timeout, (result, call) -> events(call, key, recursive, result, sink));
    }

    /** What a stream's handler gets: each result that is neither an error nor a cancellation. */
    @FunctionalInterface
    interface Results {

        void result(JsonNode result, HttpCall call);
    }

    /**
     * Opens one watch stream and hands each result to {@code results} until the stream ends; the stream's errors
     * and a cancellation (compaction: the history is lost) are thrown.
     *
     * @param create the create request
     * @param key the key, for messages
     * @param sink told when the body is open
     * @param timeout how long the stream may last
     * @param results the handler of each result
     */
    void stream(ObjectNode create, String key, WatchSink<?> sink, Duration timeout, Results results) {
        ObjectNode body = V3Json.object();
        body.set("create_request", create);
        HttpCall plain = new HttpCall(HttpMethod.POST, "/v3/watch", V3Json.bytes(body), MediaType.APPLICATION_JSON,
                true, timeout, key);
        String current = this.auth.streamToken(timeout);
        HttpCall call = V3Auth.authorized(plain, current);
        this.transport.stream(call, (endpoint, status, headers, in) -> {
            sink.opened(in);
            if (status != 200) {
                HttpAnswer answer = HttpAnswer.of(endpoint, status, headers, in.readAllBytes());
                this.auth.streamRefused(answer, current);
                throw ERRORS.watchRefused(call, answer);
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    JsonNode message = EtcdJson.MAPPER.readTree(line);
                    if (message.has("error")) {
                        throw ERRORS.streamError(message.path("error"), key, endpoint);
                    }
                    JsonNode result = message.path("result");
                    if (result.path("canceled").asBoolean(false)) {
                        throw ERRORS.watchCanceled(result, key, endpoint);
                    }
                    results.result(result, call);
                }
            }
            return null;
        });
    }

    private void events(HttpCall call, String key, boolean recursive, JsonNode result,
            WatchSink<EtcdResponse> sink) {
        JsonNode header = result.path("header");
        List<JsonNode> events = V3Json.list(result, "events");
        if (events.isEmpty()) {
            if (!result.path("created").asBoolean(false)) {
                sink.progress(V3Json.number(header.path("revision")));
            }
            return;
        }
        for (JsonNode event : events) {
            JsonNode kv = event.path("kv");
            String changed = V3Json.text(kv.path("key"));
            long revision = V3Json.number(kv.path("mod_revision"));
            if (recursive && !changed.equals(key) && !changed.startsWith(V3Keys.dirPrefix(key))) {
                sink.progress(revision);
                continue;
            }
            sink.event(event(call, changed, kv, event, header));
        }
    }

    /**
     * A v3 event in v2's words: a put is {@code create} or {@code set}, a delete {@code delete}, or {@code expire}
     * when the key's lease is gone.
     */
    private EtcdResponse event(HttpCall call, String key, JsonNode kv, JsonNode event, JsonNode header) {
        JsonNode prev = event.path("prev_kv");
        EtcdNode prevNode = prev.isMissingNode() ? null : V3Json.leaf(prev, Map.of());
        long revision = V3Json.number(kv.path("mod_revision"));
        EtcdNode node;
        String action;
        if ("DELETE".equals(event.path("type").asString(""))) {
            node = new EtcdNode(key, null, false, (prevNode != null) ? prevNode.createdIndex() : 0, revision, null,
                    null, null);
            boolean expired = !prev.isMissingNode() && this.leases.gone(prev.path("lease").asString(""), call.key());
            action = expired ? "expire" : "delete";
        }
        else {
            node = V3Json.leaf(kv, Map.of());
            action = (node.createdIndex() == node.modifiedIndex()) ? "create" : "set";
        }
        return new EtcdResponse(action, node, prevNode, revision, 0, V3Json.number(header.path("raft_term")),
                V3Json.hex(header.path("cluster_id")), 200);
    }
}
