package dev.etcdspring.test;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that lives for one test run: a self-signed CA certificate and the key that issues leaf
 * certificates with it. Keys are EC P-256, made by the JDK's own provider (no provider is registered globally);
 * BouncyCastle only builds and signs the certificates.
 */
final class TestCertificateAuthority {

    private static final SecureRandom random = new SecureRandom();

    // A little in the past: X.509 times have whole seconds, and a certificate valid from "now" rounded up would be
    // refused for a moment by a strict verifier.
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private static final Duration VALIDITY = Duration.ofDays(1);

    private final X500Name name;

    private final KeyPair keyPair;

    private final X509Certificate certificate;

    private TestCertificateAuthority(X500Name name, KeyPair keyPair, X509Certificate certificate) {
        this.name = name;
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /**
     * A new CA with a self-signed certificate.
     *
     * @param commonName the CA's CN
     * @return the CA
     */
    static TestCertificateAuthority create(String commonName) {
        X500Name name = new X500Name("CN=" + commonName);
        KeyPair keyPair = newKeyPair();
        try {
            X509v3CertificateBuilder builder = builder(name, name, keyPair)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestCertificateAuthority(name, keyPair, sign(builder, keyPair.getPrivate()));
        }
        catch (CertIOException ex) {
            throw new IllegalStateException("could not build the CA certificate " + name, ex);
        }
    }

    /**
     * The CA's self-signed certificate.
     *
     * @return the certificate
     */
    X509Certificate certificate() {
        return this.certificate;
    }

    /**
     * Issues a leaf certificate with a new key.
     *
     * @param commonName the subject's CN
     * @param altNames the SubjectAltNames, or {@code null} for none
     * @param purposes the extended key usages the certificate is good for
     * @return the certificate and its key
     */
    Issued issue(String commonName, GeneralNames altNames, KeyPurposeId... purposes) {
        KeyPair leafKeys = newKeyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        try {
            X509v3CertificateBuilder builder = builder(this.name, subject, leafKeys)
                .addExtension(Extension.authorityKeyIdentifier, false,
                        extensions().createAuthorityKeyIdentifier(this.certificate))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return new Issued(sign(builder, this.keyPair.getPrivate()), leafKeys.getPrivate());
        }
        catch (CertIOException | GeneralSecurityException ex) {
            throw new IllegalStateException("could not issue a certificate for " + subject, ex);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys)
            throws CertIOException {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, random).add(BigInteger.ONE),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic())
            .addExtension(Extension.subjectKeyIdentifier, false,
                    extensions().createSubjectKeyIdentifier(subjectKeys.getPublic()));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        }
        catch (OperatorCreationException | GeneralSecurityException ex) {
            throw new IllegalStateException("could not sign a test certificate", ex);
        }
    }

    private static JcaX509ExtensionUtils extensions() {
        try {
            return new JcaX509ExtensionUtils();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("the JDK cannot make EC P-256 keys", ex);
        }
    }

    /**
     * A certificate this CA issued, with its private key.
     *
     * @param certificate the certificate
     * @param privateKey its key
     */
    record Issued(X509Certificate certificate, PrivateKey privateKey) {
    }
}
