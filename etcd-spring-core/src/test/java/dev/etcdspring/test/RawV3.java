// One job: the v3 keyspace as other clients (etcdctl, Go services) write and read it, straight through the JSON
// gateway with a plain JDK HttpClient, for tests of keys the template refuses to create.
package dev.etcdspring.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Raw v3 requests to one etcd endpoint: keys and values exactly as given (any bytes of UTF-8 text, a key that holds
 * a value below another, {@code //}, a trailing {@code /}), as {@code etcdctl put} writes them.
 */
public final class RawV3 {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String endpoint;

    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * Raw requests to an endpoint.
     *
     * @param endpoint the base URL of etcd's client endpoint
     */
    public RawV3(String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Writes a key, as {@code etcdctl put key value} does.
     *
     * @param key the key, verbatim
     * @param value the value
     * @return the revision of the write
     */
    public long put(String key, String value) {
        return revision(post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}"));
    }

    /**
     * Deletes a key, as {@code etcdctl del key} does.
     *
     * @param key the key, verbatim
     * @return the revision of the delete
     */
    public long delete(String key) {
        return revision(post("/v3/kv/deleterange", "{\"key\":\"" + b64(key) + "\"}"));
    }

    /**
     * Deletes every key of the keyspace, those outside {@code /} too.
     */
    public void deleteEverything() {
        post("/v3/kv/deleterange", "{\"key\":\"AA==\",\"range_end\":\"AA==\"}");
    }

    /**
     * The keys that start with a prefix, in key order, as {@code etcdctl get --prefix --keys-only} lists them.
     *
     * @param prefix the prefix, verbatim
     * @return the keys
     */
    public List<String> keys(String prefix) {
        JsonNode answer = post("/v3/kv/range",
                "{\"key\":\"" + b64(prefix) + "\",\"range_end\":\"" + prefixEnd(prefix) + "\",\"keys_only\":true}");
        List<String> keys = new ArrayList<>();
        answer.path("kvs").forEach((kv) -> keys.add(new String(Base64.getDecoder().decode(kv.path("key").asString()),
                StandardCharsets.UTF_8)));
        return keys;
    }

    /**
     * Compacts the history up to a revision, physically, so that a watch from before it is canceled.
     *
     * @param revision the revision
     */
    public void compact(long revision) {
        post("/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
    }

    private JsonNode post(String path, String body) {
        HttpResponse<String> answer;
        try {
            answer = this.http.send(HttpRequest.newBuilder(URI.create(this.endpoint + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("etcd answered " + path + " with " + answer.statusCode() + ": "
                    + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    private static long revision(JsonNode answer) {
        return Long.parseLong(answer.path("header").path("revision").asString("0"));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The end of a prefix's range: the prefix with its last byte incremented (below 0xFF in the tests' prefixes). */
    private static String prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return Base64.getEncoder().encodeToString(end);
    }
}
