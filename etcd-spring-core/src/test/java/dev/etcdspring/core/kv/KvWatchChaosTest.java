package dev.etcdspring.core.kv;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.kv.KvWatchEvent.Type;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A prefix watch through a link that is cut and restored five times while a writer goes on writing single puts,
 * deletes and transactions of several puts: the watch receives every change written, once, in revision order (the
 * events of one transaction in its order), with nothing missing and nothing added; and each outage is reported to
 * the error handler once.
 */
class KvWatchChaosTest {

    private static final int CUTS = 5;

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    /** One change: what the watch must deliver for it. */
    private record Change(Type type, String key, long revision) {

        static Change of(KvWatchEvent event) {
            return new Change(event.type(), event.kv().key(), event.revision());
        }
    }

    @Test
    void everyChangeArrivesOnceAndInOrderAcrossCutsWhileWritesGoOn() throws Exception {
        List<Change> written = new CopyOnWriteArrayList<>();
        List<KvWatchEvent> received = new CopyOnWriteArrayList<>();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        try (TcpProxy link = TcpProxy.to(etcd.endpoint());
                EtcdTemplate direct = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
                EtcdTemplate watching = EtcdTemplate.builder().endpoints(link.url()).api(EtcdApi.V3)
                    .watchBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
                EtcdWatch watch = watching.opsForKeyValue().watch("ch/", KvWatchOptions.prefix()
                    .onError(reported::add), received::add)) {
            EtcdKeyValueOperations kv = direct.opsForKeyValue();
            Thread writer = new Thread(() -> {
                try {
                    for (int seq = 0; writing.get(); seq++) {
                        String key = "ch/k" + (seq % 7);
                        if (seq % 5 == 0) {
                            List<Op> puts = List.of(Op.put("ch/t" + (seq % 3) + "/z", "s" + seq),
                                    Op.put("ch/t" + (seq % 3) + "/a", "s" + seq), Op.put("ch/t" + (seq % 3) + "/m", "s" + seq));
                            long revision = kv.txn().then(puts).commit().revision();
                            for (Op put : puts) {
                                written.add(new Change(Type.PUT, new String(put.key(), java.nio.charset.StandardCharsets.UTF_8), revision));
                            }
                        }
                        else if (seq % 11 == 0) {
                            DeleteResult deleted = kv.delete(key);
                            if (deleted.deleted() == 1) {
                                written.add(new Change(Type.DELETE, key, deleted.revision()));
                            }
                        }
                        else {
                            written.add(new Change(Type.PUT, key, kv.put(key, "s" + seq).revision()));
                        }
                        kv.put("other/" + (seq % 3), "not watched");
                    }
                }
                catch (RuntimeException | Error ex) {
                    writerFailure.set(ex);
                }
            }, "kv-chaos-writer");
            writer.start();

            for (int cut = 0; cut < CUTS; cut++) {
                int before = written.size();
                await().atMost(WAIT).until(() -> written.size() >= before + 50);
                link.cut();
                int cutAt = written.size();
                await().atMost(WAIT).until(() -> written.size() >= cutAt + 50);
                link.restore();
                long restoredAt = written.get(written.size() - 1).revision();
                await().atMost(WAIT).until(() -> !received.isEmpty()
                        && received.get(received.size() - 1).revision() >= restoredAt);
            }
            writing.set(false);
            writer.join(WAIT.toMillis());
            assertThat(writerFailure.get()).isNull();

            List<Change> expected = new ArrayList<>(written);
            await().atMost(WAIT).until(() -> received.size() >= expected.size());
            List<Change> delivered = received.stream().map(Change::of).toList();
            assertThat(delivered).as("every change, once, in order").containsExactlyElementsOf(expected);
            assertThat(delivered).extracting(Change::revision).isSorted();
            assertThat(received).noneMatch((e) -> e.type() == Type.RESYNC || e.type() == Type.PROGRESS);
            assertThat(link.connections()).as("the watch reconnected after each cut").isGreaterThan(CUTS);
            assertThat(reported).as("each outage reported once").hasSize(CUTS);
            System.out.printf("KvWatchChaosTest: %d changes delivered across %d cuts, %d connections%n",
                    delivered.size(), CUTS, link.connections());
        }
    }
}
