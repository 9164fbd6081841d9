package dev.etcdspring.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.ClassUtils;

/**
 * Where a template connects and through what: checks the endpoints, chooses the default HTTP backend for them, and
 * makes the request factories of the backend a template owns.
 */
final class HttpBackends {

    private HttpBackends() {
    }

    /**
     * Checks endpoints and puts them in the form the transport uses (stripped, without a trailing {@code /}).
     *
     * @throws IllegalArgumentException if there is none, or one is not an http or https URL without query or
     *         fragment
     */
    static List<String> checkEndpoints(List<String> endpoints) {
        OptionChecks.notNull(endpoints, "endpoints");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints must name at least one etcd URL");
        }
        List<String> checked = new ArrayList<>();
        for (String endpoint : endpoints) {
            checked.add(checkEndpoint(endpoint));
        }
        return List.copyOf(checked);
    }

    private static String checkEndpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("endpoint must not be null or blank");
        }
        URI uri;
        try {
            uri = new URI(endpoint.strip());
        }
        catch (URISyntaxException ex) {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' is not a URL: " + ex.getMessage(), ex);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "endpoint '" + endpoint + "' must be an http or https URL, such as http://127.0.0.1:2379");
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint '" + endpoint
                    + "' must be a URL with a host and without query or fragment, such as http://127.0.0.1:2379");
        }
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * The backend chosen, or the default for the endpoints.
     *
     * @param chosen the backend chosen, or {@code null}
     * @throws IllegalArgumentException when the backend cannot reach the endpoints
     */
    static EtcdHttpBackend resolve(EtcdHttpBackend chosen, List<String> endpoints) {
        EtcdHttpBackend backend = (chosen != null) ? chosen : EtcdHttpBackend.defaultFor(endpoints);
        backend.checkEndpoints(endpoints);
        return backend;
    }

    /**
     * The request factories of a backend, for a template to own and close.
     *
     * @param protocols the TLS protocols to enable, or {@code null} for the context's defaults
     * @param ciphers the cipher suites to enable, or {@code null} for the context's defaults
     * @throws IllegalStateException when the backend's library is not on the class path
     * @throws IllegalArgumentException when a protocol or cipher suite is not supported
     */
    static Function<Duration, ClientHttpRequestFactory> factories(EtcdHttpBackend backend, Duration connectTimeout,
            SSLContext sslContext, List<String> protocols, List<String> ciphers) {
        return switch (backend) {
            case SOCKET -> EtcdRequestFactories.socket(connectTimeout, sslContext, protocols, ciphers);
            case JETTY -> EtcdRequestFactories.jetty(connectTimeout, sslContext, protocols, ciphers);
            case HTTP_COMPONENTS -> EtcdRequestFactories.httpComponents(connectTimeout, sslContext, protocols, ciphers);
            case JDK -> EtcdRequestFactories.jdk(connectTimeout, sslContext, protocols, ciphers);
            case URL_CONNECTION -> EtcdRequestFactories.urlConnection(connectTimeout, sslContext, protocols, ciphers);
        };
    }

    /**
     * Checks that the library a backend needs is on the class path, without starting its client: a template checks
     * when it is built, and makes its backend only when first used. Here rather than with the factories, and
     * without an enum switch, so that building a template loads neither.
     *
     * @throws IllegalStateException naming the dependency when it is missing
     */
    static void requireLibraryOf(EtcdHttpBackend backend) {
        if (backend == EtcdHttpBackend.JETTY) {
            requireLibrary("org.eclipse.jetty.client.HttpClient", "JETTY", "org.eclipse.jetty:jetty-client",
                    " (the starter brings it)");
        }
        else if (backend == EtcdHttpBackend.HTTP_COMPONENTS) {
            requireLibrary("org.apache.hc.client5.http.impl.classic.HttpClients", "HTTP_COMPONENTS",
                    "org.apache.httpcomponents.client5:httpclient5", "");
        }
        // The others need the JDK alone.
    }

    /**
     * Fails with a message that says what to add, or what to choose instead, when an optional HTTP client library
     * is missing: better than the {@link NoClassDefFoundError} its first use would throw.
     */
    private static void requireLibrary(String className, String backend, String dependency, String note) {
        if (!ClassUtils.isPresent(className, HttpBackends.class.getClassLoader())) {
            throw new IllegalStateException("The " + backend + " HTTP backend" + note + " needs " + dependency
                    + " on the class path: add that dependency, or choose a backend without one, such as "
                    + "httpBackend(EtcdHttpBackend.JDK)");
        }
    }
}
