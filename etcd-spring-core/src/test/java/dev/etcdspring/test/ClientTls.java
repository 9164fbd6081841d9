package dev.etcdspring.test;

import java.util.ArrayList;
import java.util.List;

/**
 * How a test etcd secures its client URLs. Peer URLs stay plain {@code http} in every mode: the tests are about
 * what a client sees, and loopback peers gain nothing from TLS.
 */
public enum ClientTls {

    /** Plain {@code http} client URLs, as etcd runs by default. */
    NONE,

    /** {@code https} client URLs with a server certificate from the test CA; clients need not present one. */
    TLS,

    /** {@code https} client URLs, and every client must present a certificate signed by the test CA. */
    CLIENT_CERT_AUTH;

    /**
     * Whether the client URLs are {@code https}.
     *
     * @return {@code false} only for {@link #NONE}
     */
    public boolean enabled() {
        return this != NONE;
    }

    /**
     * The etcd command-line flags for this mode.
     *
     * @param certificates the certificates to serve with; may be {@code null} for {@link #NONE}
     * @return the flags, empty for {@link #NONE}
     */
    List<String> etcdFlags(TestCertificates certificates) {
        List<String> flags = new ArrayList<>();
        if (enabled()) {
            flags.addAll(List.of("--cert-file", certificates.serverCertificate().toString(), "--key-file",
                    certificates.serverKey().toString()));
        }
        if (this == CLIENT_CERT_AUTH) {
            flags.addAll(List.of("--client-cert-auth", "--trusted-ca-file", certificates.caCertificate().toString()));
        }
        return flags;
    }
}
