// One job: what a transport failure means and says: whether the request certainly never reached a server, whether
// it timed out, and the EtcdTransportExceptions HttpTransport's failover loop throws, in their words.
package dev.etcdspring.core.internal;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.List;
import java.util.Locale;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTransportException;

import org.springframework.web.client.ResourceAccessException;

/**
 * The classification and the wording of the failures of {@link HttpTransport}: which failures leave a write
 * certainly unapplied, which are timeouts, and the exceptions for a stream that broke, a write whose outcome is
 * unknown and a call no endpoint answered.
 */
final class TransportFailures {

    private TransportFailures() {
    }

    /**
     * Whether a failure certainly happened before the request reached a server: the connection could not be
     * made. Every HTTP backend reports that with a {@link ConnectException} or a connect timeout. A failed TLS
     * handshake counts too: a server processes no request before its handshake completes.
     */
    static boolean neverSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof HttpConnectTimeoutException
                    || t instanceof javax.net.ssl.SSLHandshakeException) {
                return true;
            }
            if ((t instanceof SocketTimeoutException || t instanceof InterruptedIOException) && t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("connect")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Whether a failure is a timeout: of a read, of an HTTP exchange, of a future. */
    static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A stream that had an answer and failed while it was read. */
    static EtcdTransportException broke(HttpCall call, String endpoint, ResourceAccessException failure) {
        return new EtcdTransportException(capitalize(call.describe()) + " broke at " + endpoint + " ("
                + describe(failure) + ")", details(call, false), failure);
    }

    /** A write that failed after it was sent: it may have been applied, and is not retried. */
    static EtcdTransportException outcomeUnknown(HttpCall call, String endpoint, ResourceAccessException failure) {
        return new EtcdTransportException(capitalize(call.describe()) + " may or may not have been applied: "
                + endpoint + " failed after the request was sent (" + describe(failure)
                + "). It was not retried; read the key to learn the outcome", details(call, true), failure);
    }

    /**
     * A call no endpoint answered.
     *
     * @param failures each endpoint tried, with how it failed
     * @param retried whether the call was one that may be sent again (a read or a stream): else it is a write that
     *        no endpoint could be connected to, and so was not applied
     * @param last the last failure, or {@code null}
     */
    static EtcdTransportException noneAnswered(HttpCall call, List<String> failures, boolean retried,
            RuntimeException last) {
        return new EtcdTransportException("No etcd endpoint answered " + call.describe() + ": "
                + String.join(", ", failures)
                + (retried ? "" : ". The write was not applied: no endpoint could be connected to"),
                details(call, false), last);
    }

    /**
     * The I/O failure under Spring's wrapper, as "ConnectException: Connection refused"; a TLS failure first says
     * what went wrong in words, as "TLS handshake failed, certificate not trusted: SSLHandshakeException: ...".
     */
    static String describe(ResourceAccessException failure) {
        Throwable io = (failure.getCause() != null) ? failure.getCause() : failure;
        String message = io.getMessage();
        String tls = tlsProblem(io);
        return ((tls != null) ? tls + ": " : "") + io.getClass().getSimpleName()
                + ((message != null) ? ": " + message : "");
    }

    /**
     * What a TLS failure means, in words, or {@code null} when the failure is not one: the JDK's own messages
     * ("PKIX path building failed", "No subject alternative names matching ...", "Received fatal alert: ...") say
     * it only to those who know them.
     */
    static String tlsProblem(Throwable failure) {
        boolean tls = false;
        boolean handshake = false;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                tls = true;
                handshake |= t instanceof javax.net.ssl.SSLHandshakeException;
            }
            if (t instanceof java.security.cert.CertificateExpiredException
                    || t instanceof java.security.cert.CertificateNotYetValidException) {
                return "TLS handshake failed, the server's certificate is expired or not yet valid";
            }
            if (t instanceof java.security.cert.CertificateException) {
                String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (text.contains("subject alternative") || text.contains("no name matching")) {
                    return "TLS handshake failed, hostname mismatch: the server's certificate does not name the "
                            + "host connected to";
                }
                return "TLS handshake failed, certificate not trusted: the server's certificate is not signed by "
                        + "a CA the SSL context trusts";
            }
        }
        if (!tls) {
            return null;
        }
        String text = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        String prefix = handshake ? "TLS handshake failed, " : "TLS failed, ";
        if (text.contains("certificate_required") || text.contains("bad_certificate")
                || text.contains("unknown_ca") || text.contains("certificate_unknown")) {
            return prefix + "etcd refused the client certificate (or that none was presented)";
        }
        if (text.contains("protocol_version") || text.contains("no appropriate protocol")) {
            return prefix + "no TLS protocol in common with the server";
        }
        if (text.contains("handshake_failure") || text.contains("no cipher suites in common")
                || text.contains("insufficient_security")) {
            return prefix + "no cipher suite (or protocol) in common with the server";
        }
        if (text.contains("plaintext connection") || text.contains("unsupported or unrecognized ssl message")) {
            return prefix + "the server does not speak TLS on this port";
        }
        return handshake ? "TLS handshake failed" : null;
    }

    private static EtcdException.Details details(HttpCall call, boolean outcomeUnknown) {
        return EtcdException.Details.forKey(call.key()).outcomeUnknown(outcomeUnknown).build();
    }

    private static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
