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

    /** Whether the calls are the directory API's, whose permission errors explain the ancestors it reads. */
    private final boolean directoryModel;

    V3Gateway(V3Auth auth) {
        this(auth, true);
    }

    private V3Gateway(V3Auth auth, boolean directoryModel) {
        this.auth = auth;
        this.directoryModel = directoryModel;
    }

    /** The same gateway for the v3-native API, whose keys are only themselves. */
    V3Gateway forKeyValue() {
        return new V3Gateway(this.auth, false);
    }

    V3Auth auth() {
        return this.auth;
    }

    JsonNode post(String path, ObjectNode body, boolean idempotent, Duration timeout, String key) {
        HttpCall call = new HttpCall(HttpMethod.POST, path, V3Json.bytes(body), MediaType.APPLICATION_JSON,
                idempotent, timeout, key);
        return V3Errors.INSTANCE.body(call, this.auth.execute(call), this.directoryModel);
    }

    /** A transaction; a read-only one (no writes in either branch) may be sent again like any read. */
    JsonNode txn(ArrayNode compare, ArrayNode success, ArrayNode failure, boolean readOnly, Duration timeout,
            String key) {
        return post("/v3/kv/txn", V3Json.txnRequest(compare, success, failure), readOnly, timeout, key);
    }
}
