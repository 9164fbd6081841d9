package dev.etcdspring.core;

import java.net.InetAddress;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.EtcdProcess;
import dev.etcdspring.test.FaultyEndpoint;
import dev.etcdspring.test.TcpProxy;
import dev.etcdspring.test.TestSslContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The socket backend (the default) over TLS against a real etcd that serves {@code https} with a server
 * certificate from the test CA (for {@code 127.0.0.1} and {@code localhost}), on both APIs: host names verified and
 * sent by SNI, protocols and cipher suites applied, large answers, watches, kept-alive connections that etcd closed
 * noticed before reuse, and handshakes that fail or never end reported as certainly unapplied. Mutual TLS is
 * {@link TlsTest}'s.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class SocketTlsTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single().withTls();

    private final EtcdApi api;

    SocketTlsTest(EtcdApi api) {
        this.api = api;
    }

    private EtcdTemplate.Builder template(String endpoint) {
        return EtcdTemplate.builder()
            .endpoints(endpoint)
            .api(this.api)
            .sslContext(TestSslContexts.trusting(etcd.tls().caCertificate()));
    }

    private String dir(String name) {
        return "/socket-tls/" + this.api + "/" + name;
    }

    @Test
    void serverOnlyTlsCarriesEveryKindOfOperation() {
        try (EtcdTemplate etcdTemplate = template(etcd.endpoint()).build()) {
            etcdTemplate.set(dir("ops") + "/a", "1");
            assertThat(etcdTemplate.compareAndSet(dir("ops") + "/a", "1", "2")).isTrue();
            assertThat(etcdTemplate.createInOrder(dir("ops") + "/queue", "job").node().key()).contains("queue");
            assertThat(etcdTemplate.get(dir("ops") + "/a")).isEqualTo("2");
            assertThat(etcdTemplate.delete(dir("ops") + "/a").prevNode().value()).isEqualTo("2");
            assertThat(etcdTemplate.get(dir("ops") + "/a")).isNull();
            assertThat(etcdTemplate.health(Duration.ofSeconds(2)).healthy()).isTrue();
        }
    }

    @Test
    void aHostNameInTheCertificateIsVerifiedAndSentBySni() {
        String byName = etcd.endpoint().replace("127.0.0.1", "localhost");
        RecordingSslContext recording = new RecordingSslContext(TestSslContexts.trusting(etcd.tls().caCertificate()));
        try (EtcdTemplate etcdTemplate = template(byName).sslContext(recording).build()) {
            etcdTemplate.set(dir("sni"), "by name");
            assertThat(etcdTemplate.get(dir("sni"))).isEqualTo("by name");
        }
        assertThat(recording.engines).isNotEmpty().allSatisfy((engine) -> {
            assertThat(engine.getPeerHost()).isEqualTo("localhost");
            assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
            assertThat(engine.getSSLParameters().getServerNames()).hasSize(1);
        });
    }

    @Test
    void anAddressTheCertificateDoesNotNameIsRefusedAsAHostnameMismatchAndTheWriteCertainlyNotApplied()
            throws Exception {
        try (TcpProxy proxy = TcpProxy.to(etcd.endpoint(), InetAddress.getByName("127.0.0.2"));
                EtcdTemplate etcdTemplate = template(proxy.url("https")).build()) {
            assertThatExceptionOfType(EtcdTransportException.class)
                .isThrownBy(() -> etcdTemplate.set(dir("mismatch"), "v"))
                .satisfies((e) -> {
                    assertThat(e.getMessage()).contains(proxy.url("https")).contains("hostname mismatch");
                    assertThat(e.isOutcomeUnknown()).isFalse();
                });
        }
    }

    @Test
    void theProtocolsChosenAreTheOnesNegotiated() {
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            RecordingSslContext recording = new RecordingSslContext(
                    TestSslContexts.trusting(etcd.tls().caCertificate()));
            try (EtcdTemplate etcdTemplate = template(etcd.endpoint()).sslContext(recording)
                .sslEnabledProtocols(protocol)
                .build()) {
                etcdTemplate.set(dir("protocol"), protocol);
                assertThat(etcdTemplate.get(dir("protocol"))).isEqualTo(protocol);
            }
            assertThat(recording.engines).isNotEmpty()
                .allSatisfy((engine) -> assertThat(engine.getSession().getProtocol()).isEqualTo(protocol));
        }
    }

    @Test
    void theCipherSuitesChosenAreApplied() {
        // The server's key is EC: an ECDSA suite can be negotiated, an RSA-only one cannot.
        String ecdsa = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        RecordingSslContext recording = new RecordingSslContext(TestSslContexts.trusting(etcd.tls().caCertificate()));
        try (EtcdTemplate etcdTemplate = template(etcd.endpoint()).sslContext(recording)
            .sslEnabledProtocols("TLSv1.2")
            .sslCiphers(ecdsa)
            .build()) {
            etcdTemplate.set(dir("cipher"), "v");
        }
        assertThat(recording.engines).isNotEmpty()
            .allSatisfy((engine) -> assertThat(engine.getSession().getCipherSuite()).isEqualTo(ecdsa));
        try (EtcdTemplate etcdTemplate = template(etcd.endpoint()).sslEnabledProtocols("TLSv1.2")
            .sslCiphers("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
            .build()) {
            assertThatExceptionOfType(EtcdTransportException.class)
                .isThrownBy(() -> etcdTemplate.set(dir("cipher"), "never"))
                .satisfies((e) -> {
                    assertThat(e.getMessage()).contains(etcd.endpoint()).contains("no cipher suite");
                    assertThat(e.isOutcomeUnknown()).isFalse();
                });
        }
    }

    @Test
    void aProtocolOrCipherSuiteTheJvmDoesNotKnowIsRefusedWhenTheTemplateIsBuilt() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> template(etcd.endpoint()).sslEnabledProtocols("TLSv9").build())
            .withMessageContaining("TLSv9");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> template(etcd.endpoint()).sslCiphers("TLS_NOT_A_SUITE").build())
            .withMessageContaining("TLS_NOT_A_SUITE");
    }

    @Test
    void largeValuesAndLargePrefixReadsComeBackWhole() {
        String large = "0123456789abcdef".repeat(16 * 1024);
        try (EtcdTemplate etcdTemplate = template(etcd.endpoint()).build()) {
            etcdTemplate.set(dir("large") + "/value", large);
            assertThat(etcdTemplate.get(dir("large") + "/value")).isEqualTo(large);
            String kilobyte = "x".repeat(1024);
            for (int i = 0; i < 300; i++) {
                etcdTemplate.set(dir("many") + "/k" + i, i + kilobyte);
            }
            Map<String, Object> tree = etcdTemplate.getTree(dir("many"));
            assertThat(tree).hasSize(300).containsEntry("k299", 299 + kilobyte);
            // And the connection that carried them carries the next request.
            assertThat(etcdTemplate.get(dir("large") + "/value")).hasSize(large.length());
        }
    }

    @Test
    void watchesSeeChangesOverTls() throws InterruptedException {
        BlockingQueue<EtcdResponse> events = new LinkedBlockingQueue<>();
        try (EtcdTemplate etcdTemplate = template(etcd.endpoint()).build()) {
            etcdTemplate.set(dir("watched") + "/seed", "0");
            try (EtcdWatch watch = etcdTemplate.watch(dir("watched"), WatchOptions.defaults().recursive(true),
                    events::add)) {
                for (int i = 1; i <= 5; i++) {
                    etcdTemplate.set(dir("watched") + "/k" + i, "v" + i);
                    EtcdResponse event = events.poll(10, TimeUnit.SECONDS);
                    assertThat(event).as("event %d", i).isNotNull();
                    assertThat(event.node().value()).isEqualTo("v" + i);
                }
            }
        }
    }

    @Test
    void keptAliveTlsConnectionsSurviveRestartsOfTheOnlyEndpoint() {
        EtcdProcess member = etcd.cluster().members().get(0);
        try (EtcdTemplate etcdTemplate = template(etcd.endpoint()).build()) {
            etcdTemplate.set(dir("restarted"), "0");
            for (int i = 1; i <= 3; i++) {
                member.stop();
                etcd.cluster().restart(0);
                String written = (i % 2 == 0) ? Integer.toString(i) : etcdTemplate.get(dir("restarted")) + "+";
                assertThat(etcdTemplate.set(dir("restarted"), written).node().value()).isEqualTo(written);
            }
            assertThat(etcdTemplate.get(dir("restarted"))).isEqualTo("2+");
        }
    }

    @Test
    void aTlsConnectionCutWhileIdleIsNotReusedForTheNextWrite() {
        try (TcpProxy proxy = TcpProxy.to(etcd.endpoint());
                EtcdTemplate etcdTemplate = template(proxy.url("https").replace("127.0.0.1", "localhost")).build()) {
            for (int i = 0; i < 3; i++) {
                etcdTemplate.set(dir("cut"), "v" + i);
                proxy.cut();
                proxy.restore();
            }
            assertThat(etcdTemplate.get(dir("cut"))).isEqualTo("v2");
            assertThat(proxy.connections()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aServerThatNeverHandshakesTimesOutAndTheWriteCertainlyWasNotApplied() {
        try (FaultyEndpoint stalling = FaultyEndpoint.stalling();
                EtcdTemplate etcdTemplate = template(stalling.url().replace("http:", "https:"))
                    .connectTimeout(Duration.ofMillis(300))
                    .timeout(Duration.ofSeconds(5))
                    .build()) {
            long start = System.nanoTime();
            assertThatExceptionOfType(EtcdTransportException.class)
                .isThrownBy(() -> etcdTemplate.set(dir("stalled"), "v"))
                .satisfies((e) -> {
                    assertThat(e.getMessage()).contains("TLS handshake");
                    assertThat(e.isOutcomeUnknown()).isFalse();
                });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    /** An SSL context that keeps every engine it makes, to see what each negotiated. */
    static final class RecordingSslContext extends SSLContext {

        final List<SSLEngine> engines;

        RecordingSslContext(SSLContext delegate) {
            this(delegate, new CopyOnWriteArrayList<>());
        }

        private RecordingSslContext(SSLContext delegate, List<SSLEngine> engines) {
            super(new Spi(delegate, engines), delegate.getProvider(), delegate.getProtocol());
            this.engines = engines;
        }

        private static final class Spi extends SSLContextSpi {

            private final SSLContext delegate;

            private final List<SSLEngine> engines;

            Spi(SSLContext delegate, List<SSLEngine> engines) {
                this.delegate = delegate;
                this.engines = engines;
            }

            @Override
            protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
                    throws KeyManagementException {
                // Initialised already.
            }

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                return this.delegate.getSocketFactory();
            }

            @Override
            protected SSLServerSocketFactory engineGetServerSocketFactory() {
                return this.delegate.getServerSocketFactory();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine() {
                return this.delegate.createSSLEngine();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine(String host, int port) {
                SSLEngine engine = this.delegate.createSSLEngine(host, port);
                this.engines.add(engine);
                return engine;
            }

            @Override
            protected SSLSessionContext engineGetServerSessionContext() {
                return this.delegate.getServerSessionContext();
            }

            @Override
            protected SSLSessionContext engineGetClientSessionContext() {
                return this.delegate.getClientSessionContext();
            }
        }
    }
}
