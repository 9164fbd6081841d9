package dev.etcdspring.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * {@link SSLContext}s built from the PEM files of {@link TestCertificates}, for plain JDK clients in tests (and the
 * harness's own health checks). They trust exactly the CA given, not the JDK's default trust store.
 */
public final class TestSslContexts {

    // The key store lives only in memory; PKCS12 just wants some password.
    private static final char[] PASSWORD = "in-memory".toCharArray();

    private TestSslContexts() {
    }

    /**
     * A context that trusts only {@code caCertificate} and presents no client certificate.
     *
     * @param caCertificate the PEM certificate of the CA to trust
     * @return the context
     */
    public static SSLContext trusting(Path caCertificate) {
        return create(caCertificate, null);
    }

    /**
     * A context that trusts only {@code caCertificate} and presents {@code clientCertificate} when asked.
     *
     * @param caCertificate the PEM certificate of the CA to trust
     * @param clientCertificate the PEM client certificate
     * @param clientKey its PKCS#8 PEM private key
     * @return the context
     */
    public static SSLContext trusting(Path caCertificate, Path clientCertificate, Path clientKey) {
        try {
            KeyStore keys = emptyKeyStore();
            keys.setKeyEntry("client", readPrivateKey(clientKey), PASSWORD,
                    new Certificate[] { readCertificate(clientCertificate) });
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, PASSWORD);
            return create(caCertificate, factory.getKeyManagers());
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("could not load the client certificate " + clientCertificate, ex);
        }
    }

    private static SSLContext create(Path caCertificate, KeyManager[] keyManagers) {
        try {
            KeyStore trusted = emptyKeyStore();
            trusted.setCertificateEntry("ca", readCertificate(caCertificate));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, factory.getTrustManagers(), null);
            return context;
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("could not trust " + caCertificate, ex);
        }
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, PASSWORD);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return store;
    }

    // The JDK reads PEM certificates itself; it has no PEM private-key reader, hence BouncyCastle for keys.
    private static Certificate readCertificate(Path file) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static PrivateKey readPrivateKey(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PemReader pem = new PemReader(in)) {
            PemObject object = pem.readPemObject();
            if (object == null || !"PRIVATE KEY".equals(object.getType())) {
                throw new IllegalStateException(file + " holds no PKCS#8 PRIVATE KEY block");
            }
            return new JcaPEMKeyConverter().getPrivateKey(PrivateKeyInfo.getInstance(object.getContent()));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
