package dev.etcdspring.core.internal;

import java.time.Duration;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * One HTTP request to etcd, independent of the endpoint it goes to.
 *
 * @param method the HTTP method
 * @param pathAndQuery the already-encoded path and query, starting with {@code /}
 * @param body the body; {@code null} for none
 * @param contentType the body's content type; {@code null} without a body
 * @param idempotent whether the request may be repeated on another endpoint after it may have reached a
 *        server (reads); a write is never repeated then
 * @param timeout how long to wait for the answer; {@code null} for the template's default
 * @param key the key the request is about, for messages; may be {@code null}
 * @param authorization the {@code Authorization} header; {@code null} for none. Never part of a message.
 */
public record HttpCall(HttpMethod method, String pathAndQuery, byte[] body, MediaType contentType, boolean idempotent,
        Duration timeout, String key, String authorization) {

    /**
     * A request with a body, without authorization.
     *
     * @param method the HTTP method
     * @param pathAndQuery the encoded path and query
     * @param body the body
     * @param contentType the body's content type
     * @param idempotent whether it may be repeated on another endpoint
     * @param timeout the timeout, or {@code null}
     * @param key the key, or {@code null}
     */
    public HttpCall(HttpMethod method, String pathAndQuery, byte[] body, MediaType contentType, boolean idempotent,
            Duration timeout, String key) {
        this(method, pathAndQuery, body, contentType, idempotent, timeout, key, null);
    }

    /**
     * The same call with an {@code Authorization} header.
     *
     * @param authorization the header value; {@code null} for none
     * @return the call
     */
    public HttpCall withAuthorization(String authorization) {
        return new HttpCall(this.method, this.pathAndQuery, this.body, this.contentType, this.idempotent, this.timeout,
                this.key, authorization);
    }

    /**
     * A request without a body.
     *
     * @param method the HTTP method
     * @param pathAndQuery the encoded path and query
     * @param idempotent whether it may be repeated on another endpoint
     * @param timeout the timeout, or {@code null}
     * @param key the key, or {@code null}
     * @return the call
     */
    public static HttpCall of(HttpMethod method, String pathAndQuery, boolean idempotent, Duration timeout,
            String key) {
        return new HttpCall(method, pathAndQuery, null, null, idempotent, timeout, key, null);
    }

    @Override
    public String toString() {
        return "HttpCall[" + this.method + " " + this.pathAndQuery + ", key=" + this.key + "]";
    }

    /**
     * What the call does, for messages: "the read of /foo", "the write to /foo".
     *
     * @return a description
     */
    public String describe() {
        String what = this.idempotent ? "the read of " : "the write to ";
        return what + ((this.key != null) ? this.key : this.pathAndQuery);
    }
}
