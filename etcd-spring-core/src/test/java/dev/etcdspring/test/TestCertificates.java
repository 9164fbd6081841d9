package dev.etcdspring.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The PEM files a TLS test etcd and its clients use, made fresh at run time (no key is checked in): a test CA, a
 * server certificate it signed for {@code 127.0.0.1} and {@code localhost}, a client certificate it signed, and the
 * certificate of a second, unrelated CA for tests that must fail. Certificates are PEM {@code CERTIFICATE} blocks,
 * keys unencrypted PKCS#8 {@code PRIVATE KEY} blocks, which both etcd and Spring Boot's PEM SSL bundles read.
 */
public final class TestCertificates {

    private final Path caCertificate;

    private final Path serverCertificate;

    private final Path serverKey;

    private final Path clientCertificate;

    private final Path clientKey;

    private final Path wrongCaCertificate;

    private TestCertificates(Path directory) {
        this.caCertificate = directory.resolve("ca.crt");
        this.serverCertificate = directory.resolve("server.crt");
        this.serverKey = directory.resolve("server.key");
        this.clientCertificate = directory.resolve("client.crt");
        this.clientKey = directory.resolve("client.key");
        this.wrongCaCertificate = directory.resolve("wrong-ca.crt");
    }

    /**
     * Makes a new set of certificates and keys and writes them to {@code directory}.
     *
     * @param directory where to write the files; created if missing
     * @return the files
     */
    public static TestCertificates generate(Path directory) {
        TestCertificates files = new TestCertificates(directory.toAbsolutePath());
        TestCertificateAuthority ca = TestCertificateAuthority.create("etcd-spring-boot test CA");
        // The server certificate is good for client authentication too: with --client-cert-auth, etcd 3.4's v3
        // JSON gateway connects to etcd's own gRPC port presenting the server certificate as its client
        // certificate, and etcd refuses it without the clientAuth usage.
        TestCertificateAuthority.Issued server = ca.issue("127.0.0.1",
                new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost") }),
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
        TestCertificateAuthority.Issued client = ca.issue("etcd-spring-boot test client", null,
                KeyPurposeId.id_kp_clientAuth);
        TestCertificateAuthority wrongCa = TestCertificateAuthority.create("etcd-spring-boot unrelated test CA");
        try {
            Files.createDirectories(directory);
            writeCertificate(files.caCertificate, ca.certificate());
            writeCertificate(files.serverCertificate, server.certificate());
            writePem(files.serverKey, "PRIVATE KEY", server.privateKey().getEncoded());
            writeCertificate(files.clientCertificate, client.certificate());
            writePem(files.clientKey, "PRIVATE KEY", client.privateKey().getEncoded());
            writeCertificate(files.wrongCaCertificate, wrongCa.certificate());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("could not write the test certificates to " + directory, ex);
        }
        return files;
    }

    /**
     * The test CA's certificate, which signed the server and client certificates.
     *
     * @return the PEM file
     */
    public Path caCertificate() {
        return this.caCertificate;
    }

    /**
     * The server certificate, for IP {@code 127.0.0.1} and DNS {@code localhost}.
     *
     * @return the PEM file
     */
    public Path serverCertificate() {
        return this.serverCertificate;
    }

    /**
     * The server certificate's private key.
     *
     * @return the PKCS#8 PEM file
     */
    public Path serverKey() {
        return this.serverKey;
    }

    /**
     * A client certificate signed by the test CA.
     *
     * @return the PEM file
     */
    public Path clientCertificate() {
        return this.clientCertificate;
    }

    /**
     * The client certificate's private key.
     *
     * @return the PKCS#8 PEM file
     */
    public Path clientKey() {
        return this.clientKey;
    }

    /**
     * The certificate of a CA that signed nothing here: a client trusting only it must fail the handshake.
     *
     * @return the PEM file
     */
    public Path wrongCaCertificate() {
        return this.wrongCaCertificate;
    }

    private static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        try {
            writePem(file, "CERTIFICATE", certificate.getEncoded());
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    // getEncoded() of a JDK private key is already PKCS#8 DER; only the PEM armour is added.
    private static void writePem(Path file, String type, byte[] der) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                PemWriter pem = new PemWriter(out)) {
            pem.writeObject(new PemObject(type, der));
        }
    }

    @Override
    public String toString() {
        return "TestCertificates in " + this.caCertificate.getParent();
    }
}
