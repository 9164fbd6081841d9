package dev.etcdspring.core.kv;

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
 * An independent reader and writer of etcd's v3 gateway for the tests: a plain JDK {@link HttpClient} and a mapper
 * of its own, so that what it sees does not go through the client under test.
 */
final class RawEtcd {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();

    private final String endpoint;

    RawEtcd(String endpoint) {
        this.endpoint = endpoint;
    }

    /** A POST of a JSON body; the answer's status must be 200. */
    JsonNode post(String path, String json) {
        HttpResponse<String> answer = send(path, json);
        if (answer.statusCode() != 200) {
            throw new AssertionError("POST " + path + " " + json + " answered " + answer.statusCode() + " "
                    + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** A POST of a JSON body, whatever the status. */
    HttpResponse<String> send(String path, String json) {
        try {
            return this.http.send(HttpRequest.newBuilder(URI.create(this.endpoint + path))
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Every key of the keyspace, in key order, as etcd holds them. */
    List<byte[]> allKeys() {
        List<byte[]> keys = new ArrayList<>();
        post("/v3/kv/range", "{\"key\":\"AA==\",\"range_end\":\"AA==\",\"keys_only\":true}").path("kvs")
            .forEach((kv) -> keys.add(bytes(kv.path("key"))));
        return keys;
    }

    /** The value of a key as etcd holds it; {@code null} when absent. */
    byte[] value(byte[] key) {
        JsonNode kvs = post("/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}").path("kvs");
        return kvs.isEmpty() ? null : bytes(kvs.get(0).path("value"));
    }

    /** The key as etcd answers it, with its metadata; a missing node when absent. */
    JsonNode kv(byte[] key) {
        return post("/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}").path("kvs").path(0);
    }

    /** The current revision of the keyspace, from a range's header. */
    long revision() {
        return revision(post("/v3/kv/range", "{\"key\":\"AA==\",\"count_only\":true}"));
    }

    /** Writes a key, returning the revision of the put. */
    long put(String key, String value) {
        return revision(post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}"));
    }

    /** Deletes every key. */
    void deleteAll() {
        post("/v3/kv/deleterange", "{\"key\":\"AA==\",\"range_end\":\"AA==\"}");
    }

    /** Compacts the history up to a revision, physically. */
    void compact(long revision) {
        post("/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
    }

    static long revision(JsonNode answer) {
        return Long.parseLong(answer.path("header").path("revision").asString());
    }

    static byte[] bytes(JsonNode base64) {
        return Base64.getDecoder().decode(base64.asString(""));
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
