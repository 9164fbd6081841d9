package dev.etcdspring.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A template makes its parts (HTTP backend, executor, protocol) on its first operation, not when it is built, so
 * that an application pays for them when it uses etcd rather than while it starts; against a real etcd.
 */
class LazyTemplateTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void buildingContactsNothingAndMakesNothingUntilTheFirstOperation() {
        AtomicInteger restClients = new AtomicInteger();
        try (TcpProxy proxy = TcpProxy.to(etcd.endpoint());
                EtcdTemplate template = EtcdTemplate.builder()
                    .endpoints(proxy.url())
                    .restClientBuilder(() -> {
                        restClients.incrementAndGet();
                        return RestClient.builder();
                    })
                    .build()) {
            assertThat(template.endpoints()).containsExactly(proxy.url());
            assertThat(template.api()).isEqualTo(EtcdApi.V3);
            assertThat(template.toString()).contains(proxy.url());
            assertThat(restClients).hasValue(0);
            assertThat(proxy.connections()).isZero();

            template.set("/lazy/key", "value");

            assertThat(restClients).hasValue(1);
            assertThat(proxy.connections()).isEqualTo(1);
            assertThat(template.get("/lazy/key")).isEqualTo("value");
            assertThat(restClients).hasValue(1);
        }
    }

    @Test
    void concurrentFirstOperationsMakeThePartsOnce() throws Exception {
        AtomicInteger restClients = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try (EtcdTemplate template = EtcdTemplate.builder()
            .endpoints(etcd.endpoint())
            .restClientBuilder(() -> {
                restClients.incrementAndGet();
                return RestClient.builder();
            })
            .build()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                Callable<String> read = () -> {
                    start.await();
                    template.set("/lazy/concurrent/" + n, "v" + n);
                    return template.get("/lazy/concurrent/" + n);
                };
                reads.add(threads.submit(read));
            }
            start.countDown();
            for (int i = 0; i < 8; i++) {
                assertThat(reads.get(i).get()).isEqualTo("v" + i);
            }
            assertThat(restClients).hasValue(1);
        }
        finally {
            threads.shutdownNow();
        }
    }

    @Test
    void whatTheBuilderIsToldAfterBuildDoesNotReachTheTemplate() {
        EtcdTemplate.Builder builder = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V2);
        try (EtcdTemplate template = builder.build()) {
            builder.endpoints("http://127.0.0.1:1").api(EtcdApi.V3);
            template.set("/lazy/v2", "value");
            assertThat(template.api()).isEqualTo(EtcdApi.V2);
            assertThat(template.currentEndpoint()).isEqualTo(etcd.endpoint());
            assertThat(template.getResponse("/lazy/v2").node().value()).isEqualTo("value");
        }
    }

    @Test
    void aTemplateClosedBeforeItsFirstUseRefusesOperationsAsAClosedOneDoes() {
        EtcdTemplate unused = EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
        unused.close();
        assertThatIllegalStateException().isThrownBy(() -> unused.get("/lazy/key")).withMessageContaining("closed");
        assertThatIllegalStateException()
            .isThrownBy(() -> unused.opsForKeyValue().get("k"))
            .withMessageContaining("closed");
        unused.close();
    }
}
