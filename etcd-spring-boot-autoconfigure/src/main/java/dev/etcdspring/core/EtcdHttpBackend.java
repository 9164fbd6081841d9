package dev.etcdspring.core;

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
    URL_CONNECTION
}
