package dev.etcdspring.benchmark;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProfileGetBenchmark {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void gets() {
        for (EtcdApi api : EtcdApi.values()) {
            try (EtcdTemplate t = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(api).build()) {
                t.set("/bench/k", "value");
                for (int round = 0; round < 3; round++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < 5000; i++) {
                        t.get("/bench/k");
                    }
                    System.out.printf("%s: %.1f us/get%n", api, (System.nanoTime() - start) / 5000 / 1e3);
                }
            }
        }
    }
}
