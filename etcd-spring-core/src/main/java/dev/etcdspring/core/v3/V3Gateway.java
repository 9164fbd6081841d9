// One job: sending one JSON request to the v3 gateway and handing back its answer's body (or its exception).
package dev.etcdspring.core.v3;

import java.time.Duration;

import dev.etcdspring.core.internal.HttpCall;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * A {@code POST} of a JSON body, with the template's token, read by {@link V3Errors}.
 */
final class V3Gateway {

    private final V3Auth auth;

    V3Gateway(V3Auth auth) {
        this.auth = auth;
    }

    JsonNode post(String path, ObjectNode body, boolean idempotent, Duration timeout, String key) {
        HttpCall call = new HttpCall(HttpMethod.POST, path, V3Json.bytes(body), MediaType.APPLICATION_JSON,
                idempotent, timeout, key);
        return V3Errors.INSTANCE.body(call, this.auth.execute(call));
    }

    /** A transaction; a read-only one (no writes in either branch) may be sent again like any read. */
    JsonNode txn(ArrayNode compare, ArrayNode success, ArrayNode failure, boolean readOnly, Duration timeout,
            String key) {
        return post("/v3/kv/txn", V3Json.txnRequest(compare, success, failure), readOnly, timeout, key);
    }
}
