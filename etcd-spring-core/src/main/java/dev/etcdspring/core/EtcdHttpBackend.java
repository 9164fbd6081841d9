package dev.etcdspring.core;

import java.util.List;

/**
 * The HTTP clients a template can make for itself (and close with itself); see {@link EtcdRequestFactories} for
 * what each costs. By default a template uses {@link #SOCKET}, the fastest measured, when every endpoint is
 * {@code http}, and {@link #JETTY} when one is {@code https}. Choose with
 * {@link EtcdTemplate.Builder#httpBackend(EtcdHttpBackend)}.
 */
public enum EtcdHttpBackend {

    /**
     * The library's own HTTP/1.1 client over pooled socket channels, doing its I/O in the calling thread:
     * {@link EtcdRequestFactories#socket(java.time.Duration)}. Plain {@code http} endpoints only; the default for
     * them.
     */
    SOCKET,

    /**
     * Jetty's {@code HttpClient}: {@link EtcdRequestFactories#jetty(java.time.Duration)}. The default for
     * {@code https} endpoints.
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
     * The backend a template uses when none is chosen: {@link #SOCKET} when every endpoint is {@code http},
     * {@link #JETTY} when one is {@code https}.
     *
     * @param endpoints the endpoints
     * @return the default backend for them
     */
    static EtcdHttpBackend defaultFor(List<String> endpoints) {
        return (firstHttps(endpoints) != null) ? JETTY : SOCKET;
    }

    /**
     * Checks that this backend can reach the endpoints: every one but {@link #SOCKET} speaks {@code https} too.
     *
     * @param endpoints the endpoints
     * @throws IllegalArgumentException naming the first {@code https} endpoint, for {@link #SOCKET}
     */
    public void checkEndpoints(List<String> endpoints) {
        String https = (this == SOCKET) ? firstHttps(endpoints) : null;
        if (https != null) {
            throw new IllegalArgumentException("the SOCKET HTTP backend speaks plain http only, but endpoint '" + https
                    + "' is https: choose JETTY (the default for https endpoints) or another backend");
        }
    }

    private static String firstHttps(List<String> endpoints) {
        return endpoints.stream()
            .filter((endpoint) -> endpoint.regionMatches(true, 0, "https:", 0, 6))
            .findFirst()
            .orElse(null);
    }
}
