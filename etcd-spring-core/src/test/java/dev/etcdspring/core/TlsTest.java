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

/**
 * A real etcd that serves only https and wants a client certificate signed by the test CA, on both APIs and every
 * HTTP backend (the socket backend, the default, included): the template's {@link EtcdTemplate.Builder#sslContext(SSLContext) SSL context} carries trust and
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
    @EnumSource(EtcdHttpBackend.class)
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
    void theDefaultBackendForHttpsIsTheSocketBackend() {
        assertThat(EtcdHttpBackend.defaultFor(java.util.List.of(etcd.endpoint()))).isEqualTo(EtcdHttpBackend.SOCKET);
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .sslContext(trustedWithCertificate())
            .build()) {
            etcdTemplate.set("/tls/default", "v");
            assertThat(etcdTemplate.get("/tls/default")).isEqualTo("v");
        }
        EtcdHttpBackend.SOCKET.checkEndpoints(java.util.List.of(etcd.endpoint()));
    }

    @ParameterizedTest
    @EnumSource(EtcdHttpBackend.class)
    void aServerCertificateFromAnotherCaIsRefusedAndTheWriteCertainlyNotApplied(EtcdHttpBackend backend) {
        TestCertificates tls = etcd.tls();
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .httpBackend(backend)
            .sslContext(TestSslContexts.trusting(tls.wrongCaCertificate(), tls.clientCertificate(), tls.clientKey()))
            .build()) {
            assertThatExceptionOfType(EtcdTransportException.class).isThrownBy(() -> etcdTemplate.set("/tls/no", "v"))
                .satisfies((e) -> {
                    assertThat(e.getMessage()).contains(etcd.endpoint()).containsIgnoringCase("certif");
                    assertThat(e.isOutcomeUnknown()).isFalse();
                    if (backend == EtcdHttpBackend.SOCKET) {
                        assertThat(e.getMessage()).contains("certificate not trusted");
                    }
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

    @ParameterizedTest
    @EnumSource(value = EtcdHttpBackend.class, names = { "SOCKET", "JETTY" })
    void withoutAClientCertificateEtcdRefusesTheConnection(EtcdHttpBackend backend) {
        // Under TLS 1.3 the refusal may come as a connection that never answers: a short timeout keeps it brief.
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .httpBackend(backend)
            .sslContext(TestSslContexts.trusting(etcd.tls().caCertificate()))
            .timeout(java.time.Duration.ofSeconds(2))
            .build()) {
            assertThatExceptionOfType(EtcdTransportException.class).isThrownBy(() -> etcdTemplate.get("/tls/x"))
                .withMessageContaining(etcd.endpoint());
        }
    }
}
