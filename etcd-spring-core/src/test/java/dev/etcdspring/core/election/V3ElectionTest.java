package dev.etcdspring.core.election;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.kv.RangeOptions;
import dev.etcdspring.test.Etcdctl;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The election contract on v3, and its layout shared with Go's {@code concurrency.Election}: what
 * {@code etcdctl elect --listen} reports as leader is the leader campaigned for here.
 */
class V3ElectionTest extends ElectionContractTest {

    @Override
    EtcdApi api() {
        return EtcdApi.V3;
    }

    @Override
    int candidates(String election) {
        return (int) this.etcdTemplate.opsForKeyValue().get(election + "/", RangeOptions.prefix().countOnly(true)).count();
    }

    @Override
    void deleteBehindItsBack(String key) {
        Etcdctl.at(etcd.endpoint()).run("del", key);
    }

    @Test
    void etcdctlElectListenSeesTheLeaderElectedHere() throws Exception {
        EtcdLeadership leadership = this.etcdTemplate.opsForElections().campaign(this.election, "from-java");
        Process listen = new ProcessBuilder(Etcdctl.locate().toString(), "--endpoints=" + etcd.endpoint(), "elect",
                "--listen", this.election).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(listen.getInputStream(), StandardCharsets.UTF_8))) {
            CompletableFuture<String> lines = CompletableFuture.supplyAsync(() -> {
                try {
                    // etcdctl prints the leader's key, then its value.
                    return out.readLine() + "\n" + out.readLine();
                }
                catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            assertThat(lines.get(20, TimeUnit.SECONDS)).isEqualTo(leadership.key() + "\nfrom-java");
        }
        finally {
            listen.destroy();
            listen.waitFor(10, TimeUnit.SECONDS);
        }
        leadership.resign();
    }
}
