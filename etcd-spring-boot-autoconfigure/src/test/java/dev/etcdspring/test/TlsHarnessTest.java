package dev.etcdspring.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The TLS modes of the real-etcd harness work against a real etcd: the generated certificates are what etcd and
 * the JDK accept, and {@code --client-cert-auth} really shuts out clients without the test client certificate.
 */
class TlsHarnessTest {

    private static final SSLParameters TLS_1_2 = new SSLParameters(null, new String[] { "TLSv1.2" });

    @Test
    void generatesAServerCertificateForLoopbackAndAClientCertificateBothSignedByTheCa(@TempDir Path dir)
            throws Exception {
        TestCertificates tls = TestCertificates.generate(dir);
        X509Certificate ca = read(tls.caCertificate());
        X509Certificate server = read(tls.serverCertificate());
        X509Certificate client = read(tls.clientCertificate());
        server.verify(ca.getPublicKey());
        client.verify(ca.getPublicKey());
        assertThat(server.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(7, "127.0.0.1"),
                List.of(2, "localhost"));
        assertThat(server.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(read(tls.wrongCaCertificate()).getSubjectX500Principal()).isNotEqualTo(ca.getSubjectX500Principal());
        assertThat(tls.clientKey()).content(StandardCharsets.US_ASCII).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(tls.serverKey()).content(StandardCharsets.US_ASCII).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aPlainClusterStaysHttpAndHasNoCertificates() {
        try (EtcdCluster plain = EtcdCluster.start(1)) {
            assertThat(plain.endpoint()).startsWith("http://127.0.0.1:");
            assertThatExceptionOfType(IllegalStateException.class).isThrownBy(plain::tls)
                .withMessageContaining("serves plain http");
        }
    }

    @Nested
    class ServerTls {

        @RegisterExtension
        static final EtcdClusterExtension etcd = EtcdClusterExtension.single().withTls();

        @Test
        void clientUrlsAreHttps() {
            assertThat(etcd.endpoint()).startsWith("https://127.0.0.1:");
            assertThat(etcd.endpoints()).containsExactly(etcd.endpoint());
            assertThat(etcd.cluster().member(0).peerUrl()).startsWith("http://127.0.0.1:");
        }

        @Test
        void answersHealthToAClientThatTrustsTheTestCa() throws Exception {
            HttpResponse<String> health = get(TestSslContexts.trusting(etcd.tls().caCertificate()),
                    etcd.endpoint() + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"health\":\"true\"");
        }

        @Test
        void aClientThatTrustsOnlyTheWrongCaFailsTheHandshake() {
            SSLContext wrong = TestSslContexts.trusting(etcd.tls().wrongCaCertificate());
            assertThatExceptionOfType(SSLHandshakeException.class)
                .isThrownBy(() -> get(wrong, etcd.endpoint() + "/health"));
        }
    }

    @Nested
    class ClientCertAuth {

        @RegisterExtension
        static final EtcdClusterExtension etcd = EtcdClusterExtension.single().withClientCertAuth();

        @Test
        void refusesAClientWithoutACertificate() {
            SSLContext noCertificate = TestSslContexts.trusting(etcd.tls().caCertificate());
            // Over TLS 1.2 the server checks the client's certificate inside the handshake, before the client sends
            // a byte of its request: the refusal is always an SSLHandshakeException (the bad_certificate alert, or
            // "Remote host terminated the handshake" when etcd's close overtakes it). Over TLS 1.3 the client
            // finishes its half first and sends its request while etcd is still checking, so the same refusal
            // surfaces by timing as the alert, a reset, a broken pipe, a closed channel or a JDK client that waits
            // for its timeout: no assertion on that is stable (TlsTest asserts what the template makes of it).
            assertThatExceptionOfType(SSLHandshakeException.class)
                .isThrownBy(() -> get(noCertificate, TLS_1_2, etcd.endpoint() + "/health"));
        }

        @Test
        void answersAClientWithTheTestClientCertificate() throws Exception {
            HttpResponse<String> health = get(withClientCertificate(), etcd.endpoint() + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"health\":\"true\"");
        }

        @Test
        void servesTheV2KeysApiAndTheV3JsonGatewayToAClientWithTheCertificate() throws Exception {
            HttpClient http = HttpClient.newBuilder().sslContext(withClientCertificate()).build();
            HttpResponse<String> v2 = http.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys/tls"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("value=v2"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(v2.statusCode()).isEqualTo(201);
            // The gateway reaches etcd's gRPC side with the server certificate as its client certificate.
            String key = Base64.getEncoder().encodeToString("tls-v3".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> v3 = http.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v3/kv/put"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"value\":\"" + key + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(v3.statusCode()).as(v3.body()).isEqualTo(200);
            assertThat(v3.body()).contains("\"revision\"");
        }

        @Test
        void aSpringBootPemSslBundleReadsTheGeneratedFiles() throws Exception {
            TestCertificates tls = etcd.tls();
            PemSslStoreDetails keyStore = PemSslStoreDetails.forCertificate(location(tls.clientCertificate()))
                .withPrivateKey(location(tls.clientKey()));
            PemSslStoreDetails trustStore = PemSslStoreDetails.forCertificate(location(tls.caCertificate()));
            SSLContext context = SslBundle.of(new PemSslStoreBundle(keyStore, trustStore)).createSslContext();
            assertThat(get(context, etcd.endpoint() + "/health").body()).contains("\"health\":\"true\"");
        }

        private SSLContext withClientCertificate() {
            TestCertificates tls = etcd.tls();
            return TestSslContexts.trusting(tls.caCertificate(), tls.clientCertificate(), tls.clientKey());
        }
    }

    private static HttpResponse<String> get(SSLContext context, String url) throws IOException, InterruptedException {
        return get(context, context.getDefaultSSLParameters(), url);
    }

    private static HttpResponse<String> get(SSLContext context, SSLParameters parameters, String url)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder()
            .sslContext(context)
            .sslParameters(parameters)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String location(Path file) {
        return file.toUri().toString();
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
