package dev.etcdspring.core;

import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLContext;

import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TestCertificates;
import dev.etcdspring.test.TestSslContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A real etcd that serves only https and wants a client certificate signed by the test CA, on both APIs and every
 * HTTP backend: the template's {@link EtcdTemplate.Builder#sslContext(SSLContext) SSL context} carries trust and
 * the client's certificate; a wrong CA or a missing certificate fails clearly and certainly unapplied.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class TlsTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single().withClientCertAuth();

    private final EtcdApi api;

    TlsTest(EtcdApi api) {
        this.api = api;
    }

    private static SSLContext trustedWithCertificate() {
        TestCertificates tls = etcd.tls();
        return TestSslContexts.trusting(tls.caCertificate(), tls.clientCertificate(), tls.clientKey());
    }

    @ParameterizedTest
    @EnumSource(value = EtcdHttpBackend.class, mode = EnumSource.Mode.EXCLUDE, names = "SOCKET")
    void everyBackendSpeaksTlsWithAClientCertificate(EtcdHttpBackend backend) {
        assertThat(etcd.endpoint()).startsWith("https://127.0.0.1:");
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .httpBackend(backend)
            .sslContext(trustedWithCertificate())
            .build()) {
            String dir = "/tls/" + backend;
            etcdTemplate.set(dir + "/k", "over tls");
            assertThat(etcdTemplate.get(dir + "/k")).isEqualTo("over tls");
            assertThat(etcdTemplate.swap(dir + "/k", (v) -> v + "!")).isEqualTo("over tls!");
            assertThat(etcdTemplate.getTree(dir)).isEqualTo(Map.of("k", "over tls!"));
            assertThat(etcdTemplate.health(Duration.ofSeconds(2)).healthy()).isTrue();
        }
    }

    @Test
    void theDefaultBackendForHttpsIsJettyAndTheSocketBackendIsRefusedForIt() {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .sslContext(trustedWithCertificate())
            .build()) {
            etcdTemplate.set("/tls/default", "v");
            assertThat(etcdTemplate.get("/tls/default")).isEqualTo("v");
        }
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().endpoints(etcd.endpoint())
            .api(this.api)
            .httpBackend(EtcdHttpBackend.SOCKET)
            .build()).withMessageContaining("SOCKET").withMessageContaining(etcd.endpoint()).withMessageContaining("JETTY");
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefusedAndTheWriteCertainlyNotApplied() {
        TestCertificates tls = etcd.tls();
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .sslContext(TestSslContexts.trusting(tls.wrongCaCertificate(), tls.clientCertificate(), tls.clientKey()))
            .build()) {
            assertThatExceptionOfType(EtcdTransportException.class).isThrownBy(() -> etcdTemplate.set("/tls/no", "v"))
                .satisfies((e) -> {
                    assertThat(e.getMessage()).contains(etcd.endpoint()).containsIgnoringCase("certif");
                    assertThat(e.isOutcomeUnknown()).isFalse();
                });
        }
    }

    @Test
    void withoutTheJvmTrustingTheCaTheDefaultContextRefusesTheServer() {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build()) {
            assertThatExceptionOfType(EtcdTransportException.class).isThrownBy(() -> etcdTemplate.get("/tls/x"))
                .withMessageContaining(etcd.endpoint());
        }
    }

    @Test
    void withoutAClientCertificateEtcdRefusesTheConnection() {
        // Under TLS 1.3 the refusal may come as a connection that never answers: a short timeout keeps it brief.
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .sslContext(TestSslContexts.trusting(etcd.tls().caCertificate()))
            .timeout(java.time.Duration.ofSeconds(2))
            .build()) {
            assertThatExceptionOfType(EtcdTransportException.class).isThrownBy(() -> etcdTemplate.get("/tls/x"))
                .withMessageContaining(etcd.endpoint());
        }
    }
}
