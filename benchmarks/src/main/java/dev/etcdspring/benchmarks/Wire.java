package dev.etcdspring.benchmarks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.etcdspring.core.EtcdApi;

/**
 * The requests and the few response fields the hand-written baselines (raw socket, JDK {@code HttpClient}, wrk)
 * need, written and read by string search: they measure HTTP, not JSON parsing.
 */
final class Wire {

    static final String FORM = "application/x-www-form-urlencoded";

    static final String JSON = "application/json";

    private Wire() {
    }

    /** A GET's request line target (v2) or a range's path (v3). */
    static String getPath(EtcdApi api, String key, boolean linearizable) {
        return (api == EtcdApi.V2) ? "/v2/keys" + key + (linearizable ? "?quorum=true" : "") : "/v3/kv/range";
    }

    /** The body of a v3 range; {@code null} on v2. */
    static String getBody(EtcdApi api, String key, boolean linearizable) {
        return (api == EtcdApi.V2) ? null
                : "{\"key\":\"" + base64(key) + "\"" + (linearizable ? "" : ",\"serializable\":true") + "}";
    }

    /** The path of a write; {@code index} &gt; 0 makes it a compare-and-set. */
    static String writePath(EtcdApi api, String key, long index) {
        if (api == EtcdApi.V2) {
            return "/v2/keys" + key + ((index > 0) ? "?prevIndex=" + index : "");
        }
        return (index > 0) ? "/v3/kv/txn" : "/v3/kv/put";
    }

    /** The body of a write; {@code index} &gt; 0 makes it a compare-and-set. */
    static String writeBody(EtcdApi api, String key, long index, String value) {
        if (api == EtcdApi.V2) {
            return "value=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
        String put = "{\"key\":\"" + base64(key) + "\",\"value\":\"" + base64(value) + "\"}";
        if (index <= 0) {
            return put;
        }
        return "{\"compare\":[{\"key\":\"" + base64(key) + "\",\"target\":\"MOD\",\"result\":\"EQUAL\",\"mod_revision\":\""
                + index + "\"}],\"success\":[{\"request_put\":" + put + "}]}";
    }

    static String writeContentType(EtcdApi api) {
        return (api == EtcdApi.V2) ? FORM : JSON;
    }

    /** The value in a GET or range response, {@code null} when there is none. */
    static String value(EtcdApi api, String body) {
        int start = body.indexOf("\"value\":\"");
        if (start < 0) {
            return null;
        }
        start += 9;
        String value = body.substring(start, body.indexOf('"', start));
        return (api == EtcdApi.V2) ? value : new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    /**
     * The new modified index (v2: the node's) or revision (v3: the header's) of a successful write.
     *
     * @throws IllegalStateException when a v3 transaction's comparison failed (v2 answers that with 412)
     */
    static long writtenIndex(EtcdApi api, String body, boolean compareAndSet) {
        if (api == EtcdApi.V3 && compareAndSet && !body.contains("\"succeeded\":true")) {
            throw new IllegalStateException("compare failed: " + body);
        }
        String field = (api == EtcdApi.V2) ? "\"modifiedIndex\":" : "\"revision\":\"";
        int start = body.indexOf(field);
        if (start < 0) {
            throw new IllegalStateException("no " + field + " in " + body);
        }
        start += field.length();
        int end = start;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
        }
        return Long.parseLong(body.substring(start, end));
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
