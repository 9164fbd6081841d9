package dev.etcdspring.core.internal;

import org.springframework.http.HttpHeaders;

/**
 * A complete HTTP answer from one etcd endpoint.
 *
 * @param endpoint the endpoint that answered
 * @param status the HTTP status
 * @param headers the headers
 * @param body the whole body, possibly empty
 */
public record HttpAnswer(String endpoint, int status, HttpHeaders headers, byte[] body) {

    /**
     * Whether the status is 2xx.
     *
     * @return whether the answer is a success
     */
    public boolean isSuccess() {
        return this.status >= 200 && this.status < 300;
    }

    /**
     * The value of a header as a number.
     *
     * @param name the header name
     * @return the value, or 0 when absent or not a number
     */
    public long longHeader(String name) {
        String value = this.headers.getFirst(name);
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
     * The start of the body as text, for messages about answers that are not what was expected.
     *
     * @return at most 200 characters of the body
     */
    public String bodySnippet() {
        String text = new String(this.body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
    }
}
