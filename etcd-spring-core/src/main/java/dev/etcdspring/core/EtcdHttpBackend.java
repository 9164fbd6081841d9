package dev.etcdspring.core;

import java.util.List;

/**
 * The HTTP clients a template can make for itself (and close with itself); see {@link EtcdRequestFactories} for
 * what each costs. By default a template uses {@link #SOCKET}, the fastest measured, for {@code http} and
 * {@code https} endpoints alike. Choose with {@link EtcdTemplate.Builder#httpBackend(EtcdHttpBackend)}. Every
 * backend applies the template's {@link EtcdTemplate.Builder#sslContext SSL context}, protocols and cipher suites,
 * and verifies host names.
 */
public enum EtcdHttpBackend {

    /**
     * The library's own HTTP/1.1 client over pooled socket channels, doing its I/O (TLS included) in the calling
     * thread: {@link EtcdRequestFactories#socket(java.time.Duration)}. The default, for {@code http} and
     * {@code https} endpoints.
     */
    SOCKET,

    /**
     * Jetty's {@code HttpClient}: {@link EtcdRequestFactories#jetty(java.time.Duration)}; it was the default for
     * {@code https} endpoints before {@link #SOCKET} spoke TLS.
     */
    JETTY,

    /**
     * Apache HttpClient 5 (an optional dependency):
     * {@link EtcdRequestFactories#httpComponents(java.time.Duration)}.
     */
    HTTP_COMPONENTS,

    /** The JDK's {@code HttpClient}: {@link EtcdRequestFactories#jdk(java.time.Duration)}. */
    JDK,

    /** The JDK's {@code HttpURLConnection}: {@link EtcdRequestFactories#urlConnection(java.time.Duration)}. */
    URL_CONNECTION;

    /**
     * The backend a template uses when none is chosen: {@link #SOCKET}, for {@code http} and {@code https}
     * endpoints alike.
     *
     * @param endpoints the endpoints
     * @return the default backend for them
     */
    static EtcdHttpBackend defaultFor(List<String> endpoints) {
        return SOCKET;
    }

    /**
     * Checks that this backend can reach the endpoints. Every backend speaks {@code http} and {@code https}, so
     * none is refused today; kept so that a backend that cannot reach an endpoint fails where the endpoints are
     * named.
     *
     * @param endpoints the endpoints
     * @throws IllegalArgumentException when this backend cannot reach one of them
     */
    public void checkEndpoints(List<String> endpoints) {
        for (String endpoint : endpoints) {
            if (!endpoint.regionMatches(true, 0, "http:", 0, 5) && !endpoint.regionMatches(true, 0, "https:", 0, 6)) {
                throw new IllegalArgumentException("the " + this + " HTTP backend speaks http and https only, but "
                        + "endpoint '" + endpoint + "' is neither");
            }
        }
    }
}
