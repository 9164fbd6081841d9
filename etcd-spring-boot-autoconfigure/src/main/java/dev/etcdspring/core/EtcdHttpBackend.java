package dev.etcdspring.core;

/**
 * The HTTP clients a template can make for itself (and close with itself); see {@link EtcdRequestFactories} for
 * what each costs and why {@link #JETTY} is the default. Choose with
 * {@link EtcdTemplate.Builder#httpBackend(EtcdHttpBackend)}.
 */
public enum EtcdHttpBackend {

    /** Jetty's {@code HttpClient}: {@link EtcdRequestFactories#jetty(java.time.Duration)}. The default. */
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
