package dev.etcdspring.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code etcd.ssl.bundle} against a real etcd that serves only https and wants a client certificate: a Spring Boot
 * PEM bundle made of the test CA and client certificate carries both, on every HTTP backend, which apply its options'
 * protocols and cipher suites; a bundle that does not
 * exist, or one named for http endpoints, fails the start naming the property. {@link EtcdConnectionDetails} of the
 * application's own bring their own bundle, and {@code etcd.ssl.bundle} is then not consulted.
 */
class EtcdSslBundleTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single().withClientCertAuth();

    private ApplicationContextRunner runner() {
        TestCertificates tls = etcd.tls();
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EtcdAutoConfiguration.class))
            .withPropertyValues("etcd.endpoints=" + etcd.endpoint(),
                    "spring.ssl.bundle.pem.etcd-client.truststore.certificate=file:" + tls.caCertificate(),
                    "spring.ssl.bundle.pem.etcd-client.keystore.certificate=file:" + tls.clientCertificate(),
                    "spring.ssl.bundle.pem.etcd-client.keystore.private-key=file:" + tls.clientKey());
    }

    @ParameterizedTest
    @EnumSource(EtcdApi.class)
    void theBundleCarriesTrustAndTheClientCertificate(EtcdApi api) {
        runner().withPropertyValues("etcd.ssl.bundle=etcd-client", "etcd.api=" + api).run((context) -> {
            EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
            etcdTemplate.set("/bundle/k", "secured");
            assertThat(etcdTemplate.get("/bundle/k")).isEqualTo("secured");
            assertThat(etcdTemplate.api()).isEqualTo(api);
        });
    }

    @ParameterizedTest
    @EnumSource(dev.etcdspring.core.EtcdHttpBackend.class)
    void everyBackendChosenByPropertyUsesTheBundle(dev.etcdspring.core.EtcdHttpBackend backend) {
        String name = backend.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        runner().withPropertyValues("etcd.ssl.bundle=etcd-client", "etcd.http-backend=" + name).run((context) -> {
            EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
            etcdTemplate.set("/bundle/" + name, "v");
            assertThat(etcdTemplate.get("/bundle/" + name)).isEqualTo("v");
        });
    }

    /** The server's key is EC: the ECDSA suite can be negotiated under TLS 1.2. */
    @ParameterizedTest
    @EnumSource(dev.etcdspring.core.EtcdHttpBackend.class)
    void theBundlesProtocolsAndCiphersAreAppliedByEveryBackend(dev.etcdspring.core.EtcdHttpBackend backend) {
        String name = backend.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        runner().withPropertyValues("etcd.ssl.bundle=etcd-client", "etcd.http-backend=" + name,
                "spring.ssl.bundle.pem.etcd-client.options.enabled-protocols=TLSv1.2",
                "spring.ssl.bundle.pem.etcd-client.options.ciphers=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                etcdTemplate.set("/bundle/options/" + name, "v");
                assertThat(etcdTemplate.get("/bundle/options/" + name)).isEqualTo("v");
            });
    }

    /** Applied, not ignored: a bundle that allows only a suite the server's EC key cannot use reaches nothing. */
    @ParameterizedTest
    @EnumSource(dev.etcdspring.core.EtcdHttpBackend.class)
    void aBundleWhoseCiphersTheServerCannotUseIsRefusedByTheServer(dev.etcdspring.core.EtcdHttpBackend backend) {
        String name = backend.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        runner().withPropertyValues("etcd.ssl.bundle=etcd-client", "etcd.http-backend=" + name,
                "spring.ssl.bundle.pem.etcd-client.options.enabled-protocols=TLSv1.2",
                "spring.ssl.bundle.pem.etcd-client.options.ciphers=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                org.assertj.core.api.Assertions
                    .assertThatExceptionOfType(dev.etcdspring.core.EtcdTransportException.class)
                    .isThrownBy(() -> etcdTemplate.set("/bundle/options/refused", "v"))
                    .satisfies((e) -> {
                        assertThat(e.getMessage()).contains(etcd.endpoint());
                        if (backend == dev.etcdspring.core.EtcdHttpBackend.SOCKET) {
                            // (Jetty reports the server's alert in a way that is not known to precede sending.)
                            assertThat(e.isOutcomeUnknown()).isFalse();
                            assertThat(e.getMessage()).contains("no cipher suite");
                        }
                    });
            });
    }

    @Test
    void aBundleWhoseOptionsTheJvmDoesNotSupportFailsTheStartNamingTheProperty() {
        runner().withPropertyValues("etcd.ssl.bundle=etcd-client",
                "spring.ssl.bundle.pem.etcd-client.options.enabled-protocols=TLSv9")
            .run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
                .contains("'etcd.ssl.bundle'", "TLSv9"));
    }

    @Test
    void withoutTheBundleTheServerIsNotTrusted() {
        runner().run((context) -> assertThat(context.getBean(EtcdTemplate.class).health(java.time.Duration.ofSeconds(2))
            .healthy()).isFalse());
    }

    @Test
    void anUnknownBundleFailsTheStartNamingTheProperty() {
        runner().withPropertyValues("etcd.ssl.bundle=nope").run((context) -> {
            FailureAnalysis analysis = analysis(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'etcd.ssl.bundle'", "nope", "no SSL bundle named");
            assertThat(analysis.getAction()).contains("etcd.ssl.bundle");
        });
    }

    @Test
    void aBundleForHttpEndpointsFailsTheStartRatherThanSendingInTheClear() {
        runner().withPropertyValues("etcd.ssl.bundle=etcd-client", "etcd.endpoints=http://127.0.0.1:2379")
            .run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
                .contains("'etcd.ssl.bundle'", "http://127.0.0.1:2379", "not https"));
    }

    @ParameterizedTest
    @EnumSource(EtcdApi.class)
    void theBundleOfTheApplicationsConnectionDetailsIsUsed(EtcdApi api) {
        SslBundle bundle = clientBundle();
        runner().withPropertyValues("etcd.api=" + api)
            .withBean(EtcdConnectionDetails.class, () -> connectionDetails(List.of(etcd.endpoint()), bundle))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                EtcdTemplate etcdTemplate = context.getBean(EtcdTemplate.class);
                etcdTemplate.set("/bundle/details", "secured");
                assertThat(etcdTemplate.get("/bundle/details")).isEqualTo("secured");
            });
    }

    @Test
    void connectionDetailsWithoutABundleDoNotConsultTheProperty() {
        runner().withPropertyValues("etcd.ssl.bundle=etcd-client")
            .withBean(EtcdConnectionDetails.class, () -> connectionDetails(List.of(etcd.endpoint()), null))
            .run((context) -> assertThat(context.getBean(EtcdTemplate.class)
                .health(java.time.Duration.ofSeconds(2))
                .healthy()).as("the server is not trusted").isFalse());
    }

    @Test
    void aBundleOfConnectionDetailsWithHttpEndpointsFailsTheStartNamingThem() {
        SslBundle bundle = clientBundle();
        runner().withBean(EtcdConnectionDetails.class,
                () -> connectionDetails(List.of("http://127.0.0.1:2379"), bundle))
            .run((context) -> assertThat(context).getFailure()
                .hasMessageContaining("The SSL bundle of the etcd connection details (" + OwnDetails.class.getName())
                .hasMessageContaining("http://127.0.0.1:2379")
                .hasMessageContaining("not https"));
    }

    /** The test CA to trust and the client certificate, as PEM content rather than {@code spring.ssl.bundle.*}. */
    private static SslBundle clientBundle() {
        TestCertificates tls = etcd.tls();
        PemSslStoreDetails keyStore = PemSslStoreDetails.forCertificate(read(tls.clientCertificate()))
            .withPrivateKey(read(tls.clientKey()));
        PemSslStoreDetails trustStore = PemSslStoreDetails.forCertificate(read(tls.caCertificate()));
        return SslBundle.of(new PemSslStoreBundle(keyStore, trustStore));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static EtcdConnectionDetails connectionDetails(List<String> endpoints, SslBundle bundle) {
        return new OwnDetails(endpoints, bundle);
    }

    /** Connection details of the application's own. */
    record OwnDetails(List<String> getEndpoints, SslBundle getSslBundle) implements EtcdConnectionDetails {
    }

    private static FailureAnalysis analysis(Throwable failure) {
        assertThat(failure).isNotNull();
        FailureAnalysis analysis = new InvalidEtcdPropertyFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("a failure analysis of %s", failure).isNotNull();
        return analysis;
    }
}
