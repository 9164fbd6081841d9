package dev.etcdspring.core.internal;

import java.time.Duration;

import dev.etcdspring.core.EtcdVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;

/**
 * Reads {@code GET /version}, which every etcd serves the same way whatever API the template speaks, and without
 * authentication.
 */
public final class ServerVersion {

    /** The shared mapper, built on first use: see {@link EtcdJson}. */
    private static JsonMapper json() {
        return EtcdJson.MAPPER;
    }

    private ServerVersion() {
    }

    /**
     * Reads the versions of the member answering.
     *
     * @param transport the transport
     * @param timeout the timeout, or {@code null} for the default
     * @return the server and cluster versions
     */
    public static EtcdVersion read(HttpTransport transport, Duration timeout) {
        HttpCall call = HttpCall.of(HttpMethod.GET, "/version", true, timeout, null);
        HttpAnswer answer = transport.execute(call);
        JsonNode version;
        try {
            version = json().readTree(answer.body());
        }
        catch (JacksonException ex) {
            throw EtcdErrors.notAnEtcdAnswer(call, answer, "does not serve /version: it is not etcd", ex);
        }
        if (!answer.isSuccess() || !version.has("etcdserver")) {
            throw EtcdErrors.notAnEtcdAnswer(call, answer, "does not serve /version: it is not etcd", null);
        }
        return new EtcdVersion(version.path("etcdserver").asString(null), version.path("etcdcluster").asString(null));
    }
}
