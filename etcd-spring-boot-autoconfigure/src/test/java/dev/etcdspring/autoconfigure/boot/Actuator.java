package dev.etcdspring.autoconfigure.boot;

import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

/**
 * Reads an application's actuator endpoints over HTTP, as an operator's tools do.
 */
final class Actuator {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private final RestClient http;

    Actuator(int port) {
        this.http = RestClient.builder()
            .baseUrl("http://127.0.0.1:" + port + "/actuator")
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build();
    }

    /** The endpoint's JSON, whatever its status (health answers 503 when DOWN). */
    Map<String, Object> json(String path) {
        return this.http.get().uri(path).retrieve().body(JSON);
    }

    /** The endpoint's raw text, to search for what must not be there. */
    String text(String path) {
        return this.http.get().uri(path).retrieve().body(String.class);
    }

    int status(String path) {
        return this.http.get().uri(path).retrieve().toBodilessEntity().getStatusCode().value();
    }
}
