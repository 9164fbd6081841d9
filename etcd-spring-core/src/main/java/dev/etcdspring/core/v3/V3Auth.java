// One job: token authentication on the v3 gateway: obtaining the token with the user's password, sending each
// request with it, and renewing it once when the server rejects it (expired, revoked, authentication re-enabled).
package dev.etcdspring.core.v3;

import java.time.Duration;

import dev.etcdspring.core.internal.EtcdCredentials;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import dev.etcdspring.core.internal.HttpTransport;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * The token of one template's requests. Without credentials, requests go out as they are.
 */
final class V3Auth {

    private final HttpTransport transport;

    private final EtcdCredentials credentials;

    /** The auth token; {@code ""} once the server said it has no authentication. Guarded by {@code this}. */
    private String token;

    /**
     * @param transport the transport
     * @param credentials the user and password to obtain tokens with; {@code null} for none
     */
    V3Auth(HttpTransport transport, EtcdCredentials credentials) {
        this.transport = transport;
        this.credentials = credentials;
    }

    /** Sends with the current token; a token the server rejects (expired, revoked) is renewed once. */
    HttpAnswer execute(HttpCall call) {
        if (this.credentials == null) {
            return this.transport.execute(call);
        }
        String current = token(call.timeout());
        HttpAnswer answer = this.transport.execute(authorized(call, current));
        if (rejected(answer, current)) {
            // Rejected before it was applied, so even a write may be sent again with a new token.
            renew(current);
            current = token(call.timeout());
            answer = this.transport.execute(authorized(call, current));
        }
        return answer;
    }

    /** The token for a stream, which is not sent again by this class; {@code ""} for none. */
    String streamToken(Duration timeout) {
        return (this.credentials != null) ? token(timeout) : "";
    }

    /** The call with a token; none for {@code ""}. */
    static HttpCall authorized(HttpCall call, String token) {
        return call.withAuthorization(token.isEmpty() ? null : token);
    }

    /** A stream was refused: if for its token, the next request obtains a new one. */
    void streamRefused(HttpAnswer answer, String token) {
        if (rejected(answer, token)) {
            renew(token);
        }
    }

    /**
     * Whether the server refused the request for its authentication: a token it no longer knows (expired, or
     * dropped when authentication was re-enabled), or no token where authentication was enabled since the server
     * last said it had none.
     */
    private static boolean rejected(HttpAnswer answer, String token) {
        if (!token.isEmpty()) {
            return answer.status() == 401 && V3Errors.grpcCode(answer) == V3Errors.GRPC_UNAUTHENTICATED;
        }
        return answer.status() == 400 && V3Errors.grpcText(answer).contains("user name is empty");
    }

    private synchronized String token(Duration timeout) {
        if (this.token == null) {
            byte[] body = V3Json.bytes(V3Json.object().put("name", this.credentials.username())
                .put("password", this.credentials.password()));
            HttpCall call = new HttpCall(HttpMethod.POST, "/v3/auth/authenticate", body, MediaType.APPLICATION_JSON,
                    true, timeout, null);
            HttpAnswer answer = this.transport.execute(call);
            if (!answer.isSuccess() && V3Errors.grpcText(answer).contains("authentication is not enabled")) {
                this.token = "";
            }
            else {
                this.token = V3Errors.INSTANCE.body(call, answer).path("token").asString("");
            }
        }
        return this.token;
    }

    private synchronized void renew(String rejected) {
        if (rejected.equals(this.token)) {
            this.token = null;
        }
    }
}
