package dev.etcdspring.core.internal;

import java.security.NoSuchAlgorithmException;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * How the socket backend makes its TLS engines: from an SSL context (the JVM's default without one), in client
 * mode, with hostname verification ({@code HTTPS} endpoint identification), SNI for host names, and the protocols
 * and cipher suites chosen, if any. The choices are checked once, when the settings are made, so that a name the
 * JVM does not support fails when the client is built rather than at the first request.
 */
public final class TlsSettings {

    private final SSLContext sslContext;

    private final String[] protocols;

    private final String[] ciphers;

    /**
     * Creates the settings and checks them against an engine of the context.
     *
     * @param sslContext the SSL context, or {@code null} for the JVM's default
     * @param protocols the protocols to enable, or {@code null} for the context's defaults
     * @param ciphers the cipher suites to enable, or {@code null} for the context's defaults
     * @throws IllegalArgumentException when a protocol or cipher suite is not supported
     * @throws IllegalStateException when there is no context and the JVM's default cannot be made
     */
    public TlsSettings(SSLContext sslContext, List<String> protocols, List<String> ciphers) {
        this.sslContext = (sslContext != null) ? sslContext : defaultContext();
        this.protocols = (protocols != null) ? protocols.toArray(String[]::new) : null;
        this.ciphers = (ciphers != null) ? ciphers.toArray(String[]::new) : null;
        check(this.sslContext.createSSLEngine());
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("The JVM has no default SSL context for https endpoints", ex);
        }
    }

    private void check(SSLEngine engine) {
        engine.setUseClientMode(true);
        try {
            engine.setSSLParameters(parameters(engine, null));
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("The TLS protocols or cipher suites chosen cannot be used: "
                    + ex.getMessage(), ex);
        }
    }

    /**
     * Creates an engine for one connection.
     *
     * @param host the host name or IP address, as in the endpoint's URL (without brackets)
     * @param port the port
     * @return the engine, in client mode, its handshake not begun
     */
    SSLEngine createEngine(String host, int port) {
        SSLEngine engine = this.sslContext.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        engine.setSSLParameters(parameters(engine, host));
        return engine;
    }

    private SSLParameters parameters(SSLEngine engine, String host) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (host != null && !isIpLiteral(host)) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            catch (IllegalArgumentException ex) {
                // Not a name SNI can carry (an underscore, say): sent without, verified all the same.
            }
        }
        if (this.protocols != null) {
            parameters.setProtocols(this.protocols);
        }
        if (this.ciphers != null) {
            parameters.setCipherSuites(this.ciphers);
        }
        return parameters;
    }

    /** Whether a host is an IPv4 or IPv6 literal, for which SNI carries nothing. */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
