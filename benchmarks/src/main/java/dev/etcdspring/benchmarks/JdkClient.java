package dev.etcdspring.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.etcdspring.core.EtcdApi;

/**
 * A plain JDK {@link HttpClient} loop (HTTP/1.1, one shared client), the value found by string search: what a
 * user gets from the JDK alone. Reads only.
 */
final class JdkClient implements Client {

    private final EtcdApi api;

    private final String endpoint;

    private final HttpClient http;

    JdkClient(String endpoint, EtcdApi api) {
        this(endpoint, api, null);
    }

    /** A client with an SSL context for an https endpoint. */
    JdkClient(String endpoint, EtcdApi api, javax.net.ssl.SSLContext sslContext) {
        this.api = api;
        this.endpoint = endpoint;
        HttpClient.Builder builder = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.http = builder.build();
    }

    @Override
    public String get(String key, boolean linearizable) throws IOException, InterruptedException {
        String body = Wire.getBody(this.api, key, linearizable);
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create(this.endpoint + Wire.getPath(this.api, key, linearizable)))
            .header("Accept", Wire.JSON);
        if (body != null) {
            request.header("Content-Type", Wire.JSON).POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(response.statusCode() + " " + response.body());
        }
        return Wire.value(this.api, response.body());
    }
}
