package dev.etcdspring.core.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * A complete HTTP answer from one etcd endpoint: only the headers the protocols read are kept, so that an answer
 * costs no copy of the rest.
 *
 * @param endpoint the endpoint that answered
 * @param status the HTTP status
 * @param headers the headers the protocols read, by their names in {@link #KEPT_HEADERS}; absent ones left out
 * @param body the whole body, possibly empty
 */
public record HttpAnswer(String endpoint, int status, Map<String, String> headers, byte[] body) {

    /** The headers kept from an answer. */
    public static final List<String> KEPT_HEADERS = List.of("X-Etcd-Index", "X-Raft-Index", "X-Raft-Term",
            "X-Etcd-Cluster-Id", HttpHeaders.CONTENT_TYPE);

    /**
     * An answer, keeping the headers the protocols read.
     *
     * @param endpoint the endpoint that answered
     * @param status the HTTP status
     * @param headers all the headers of the answer
     * @param body the whole body
     * @return the answer
     */
    public static HttpAnswer of(String endpoint, int status, HttpHeaders headers, byte[] body) {
        Map<String, String> kept = new HashMap<>(8);
        for (String name : KEPT_HEADERS) {
            String value = headers.getFirst(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return new HttpAnswer(endpoint, status, kept, body);
    }

    /**
     * Whether the status is 2xx.
     *
     * @return whether the answer is a success
     */
    public boolean isSuccess() {
        return this.status >= 200 && this.status < 300;
    }

    /**
     * The value of a kept header.
     *
     * @param name the header name, as in {@link #KEPT_HEADERS}
     * @return the value, or {@code null} when absent
     */
    public String header(String name) {
        return this.headers.get(name);
    }

    /**
     * The value of a header as a number.
     *
     * @param name the header name, as in {@link #KEPT_HEADERS}
     * @return the value, or 0 when absent or not a number
     */
    public long longHeader(String name) {
        String value = this.headers.get(name);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        }
        catch (NumberFormatException ex) {
            return 0;
        }
    }

    /**
     * The content type of the answer.
     *
     * @return the media type, or {@code null} when absent or not one
     */
    public MediaType contentType() {
        String value = this.headers.get(HttpHeaders.CONTENT_TYPE);
        if (value == null) {
            return null;
        }
        try {
            return MediaType.parseMediaType(value);
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /**
     * Whether the answer says its body is JSON: a content type compatible with {@code application/json}.
     *
     * @return whether the body is JSON
     */
    public boolean isJson() {
        String value = this.headers.get(HttpHeaders.CONTENT_TYPE);
        if (value == null) {
            return false;
        }
        // What etcd sends, without the cost of parsing a media type on every answer.
        if (value.regionMatches(true, 0, "application/json", 0, 16)
                && (value.length() == 16 || value.charAt(16) == ';')) {
            return true;
        }
        MediaType type = contentType();
        return type != null && type.isCompatibleWith(MediaType.APPLICATION_JSON);
    }

    /**
     * The start of the body as text, for messages about answers that are not what was expected.
     *
     * @return at most 200 characters of the body
     */
    public String bodySnippet() {
        String text = new String(this.body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
    }
}
