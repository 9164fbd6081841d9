package dev.etcdspring.core.kv;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.kv.KvWatchEvent.Type;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Watches of the v3-native API against a real etcd that sends progress notifications every second: a key and a
 * prefix, exactly their changes and in revision order, from a past revision, with previous key-values on puts and
 * deletes, every event of a transaction at its one revision, deletes by a lease's end; progress events only when
 * asked for; a listener that throws neither stops the watch nor goes unreported; and close() ends delivery and the
 * watch's thread.
 */
class KvWatchTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single()
        .withFlags("--experimental-watch-progress-notify-interval=1s");

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RawEtcd raw = new RawEtcd(etcd.endpoint());

    private final List<KvWatchEvent> events = new CopyOnWriteArrayList<>();

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    private EtcdTemplate etcdTemplate;

    private EtcdKeyValueOperations kv;

    @BeforeEach
    void connect() {
        this.raw.deleteAll();
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        this.kv = this.etcdTemplate.opsForKeyValue();
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    private EtcdWatch watch(String key, KvWatchOptions options) {
        return this.kv.watch(key, options.onError(this.errors::add), this.events::add);
    }

    /** The changes received, as "TYPE key=value", progress events left out. */
    private List<String> changes() {
        return this.events.stream()
            .filter((e) -> e.type() != Type.PROGRESS)
            .map((e) -> e.type() + " " + e.kv().key() + ((e.type() == Type.PUT) ? "=" + e.kv().value() : ""))
            .toList();
    }

    private void awaitChanges(int count) {
        await().atMost(WAIT).until(() -> changes().size() >= count);
    }

    private static long threads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().equals(name) && t.isAlive())
            .count();
    }

    @Test
    void aKeysWatchDeliversExactlyItsChangesInOrder() {
        try (EtcdWatch watch = watch("w/key", KvWatchOptions.defaults())) {
            long one = this.kv.put("w/key", "one").revision();
            this.kv.put("w/key2", "not watched");
            this.kv.put("w/ke", "not watched");
            long two = this.kv.put("w/key", "two").revision();
            long deleted = this.kv.delete("w/key").revision();
            this.kv.put("w/key", "three");
            awaitChanges(4);
            assertThat(changes()).containsExactly("PUT w/key=one", "PUT w/key=two", "DELETE w/key",
                    "PUT w/key=three");
            assertThat(this.events).extracting(KvWatchEvent::revision).startsWith(one, two, deleted);
            assertThat(this.events).allSatisfy((e) -> assertThat(e.revision()).isEqualTo(e.kv().modRevision()));
            assertThat(this.events).allSatisfy((e) -> assertThat(e.prevKv()).as("not asked for").isNull());
            assertThat(this.events).allSatisfy((e) -> assertThat(e.state()).isEmpty());
            KvWatchEvent delete = this.events.get(2);
            assertThat(delete.kv().valueBytes()).isEmpty();
            assertThat(delete.kv().version()).isZero();
            assertThat(watch.nextIndex()).isEqualTo(this.events.get(3).revision() + 1);
        }
        assertThat(this.errors).isEmpty();
    }

    @Test
    void aPrefixWatchDeliversTheChangesOfEveryKeyUnderIt() {
        try (EtcdWatch watch = watch("w/p/", KvWatchOptions.prefix())) {
            this.kv.put("w/p/a", "1");
            this.kv.put("w/p", "not under w/p/");
            this.kv.put("w/p/b/c", "2");
            this.kv.put("w/q", "not watched");
            this.kv.put("w/p0", "not watched");
            this.kv.delete("w/p/a");
            this.kv.put("w/p/", "3");
            awaitChanges(4);
            assertThat(changes()).containsExactly("PUT w/p/a=1", "PUT w/p/b/c=2", "DELETE w/p/a", "PUT w/p/=3");
            assertThat(this.events).extracting(KvWatchEvent::revision).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aRangeWatchDeliversTheChangesFromTheStartToBeforeTheEnd() {
        try (EtcdWatch watch = watch("w/b", KvWatchOptions.defaults().range(KeyRange.to("w/d")))) {
            for (String key : List.of("w/a", "w/b", "w/c", "w/cz", "w/d", "w/e")) {
                this.kv.put(key, "v");
            }
            this.kv.put("w/b", "last");
            awaitChanges(4);
            assertThat(changes()).containsExactly("PUT w/b=v", "PUT w/c=v", "PUT w/cz=v", "PUT w/b=last");
        }
    }

    @Test
    void aWatchOfABinaryKeyDeliversItsBytes() {
        byte[] key = { 'w', 0x00, (byte) 0xFF };
        byte[] value = { (byte) 0xFE, 0x00 };
        try (EtcdWatch watch = this.kv.watch(key, KvWatchOptions.defaults(), this.events::add)) {
            this.kv.put(key, value, PutOptions.defaults());
            await().atMost(WAIT).until(() -> this.events.size() == 1);
            assertThat(this.events.get(0).kv().keyBytes()).isEqualTo(key);
            assertThat(this.events.get(0).kv().valueBytes()).isEqualTo(value);
        }
    }

    @Test
    void aWatchFromAPastRevisionDeliversTheChangesSinceThenInOrderThenLiveOnes() {
        long first = this.kv.put("w/h/a", "1").revision();
        this.kv.put("w/h/b", "2");
        this.kv.delete("w/h/a");
        this.kv.put("w/other", "not watched");
        try (EtcdWatch watch = watch("w/h/", KvWatchOptions.prefix().fromRevision(first + 1))) {
            awaitChanges(2);
            this.kv.put("w/h/c", "3");
            awaitChanges(3);
            assertThat(changes()).containsExactly("PUT w/h/b=2", "DELETE w/h/a", "PUT w/h/c=3");
            assertThat(this.events.get(0).revision()).isEqualTo(first + 1);
        }
    }

    @Test
    void previousKeyValuesComeWithPutsAndDeletesWhenAskedFor() {
        try (EtcdWatch watch = watch("w/prev", KvWatchOptions.defaults().prevKv(true))) {
            long created = this.kv.put("w/prev", "one").revision();
            this.kv.put("w/prev", "two");
            this.kv.delete("w/prev");
            awaitChanges(3);
            assertThat(this.events.get(0).prevKv()).as("a new key had nothing before").isNull();
            assertThat(this.events.get(1).prevKv().value()).isEqualTo("one");
            assertThat(this.events.get(1).prevKv().modRevision()).isEqualTo(created);
            assertThat(this.events.get(2).type()).isEqualTo(Type.DELETE);
            assertThat(this.events.get(2).prevKv().value()).isEqualTo("two");
            assertThat(this.events.get(2).prevKv().version()).isEqualTo(2);
        }
    }

    @Test
    void aTransactionOfSeveralWritesGivesOneEventEachAtItsOneRevision() {
        this.kv.put("w/t/gone", "v");
        try (EtcdWatch watch = watch("w/t/", KvWatchOptions.prefix())) {
            long revision = this.kv.txn()
                .then(Op.put("w/t/z", "1"), Op.put("w/t/a", "2"), Op.delete("w/t/gone"), Op.put("w/t/m", "3"))
                .commit()
                .revision();
            this.kv.put("w/t/after", "4");
            awaitChanges(5);
            assertThat(changes()).containsExactly("PUT w/t/z=1", "PUT w/t/a=2", "DELETE w/t/gone", "PUT w/t/m=3",
                    "PUT w/t/after=4");
            assertThat(this.events.subList(0, 4)).extracting(KvWatchEvent::revision).containsOnly(revision);
            assertThat(this.events.get(4).revision()).isEqualTo(revision + 1);
        }
    }

    @Test
    void aKeyDeletedWithItsLeaseIsADeleteEvent() {
        long lease = this.etcdTemplate.opsForLeases().grant(Duration.ofSeconds(60)).id();
        this.kv.put("w/leased", "v", PutOptions.defaults().lease(lease));
        try (EtcdWatch watch = watch("w/leased", KvWatchOptions.defaults().prevKv(true))) {
            this.etcdTemplate.opsForLeases().revoke(lease);
            awaitChanges(1);
            assertThat(this.events.get(0).type()).isEqualTo(Type.DELETE);
            assertThat(this.events.get(0).prevKv().lease()).isEqualTo(lease);
        }
    }

    @Test
    void progressEventsComeOnlyWhenAskedFor() {
        List<KvWatchEvent> progress = new CopyOnWriteArrayList<>();
        long now = this.kv.put("w/quiet", "v").revision();
        try (EtcdWatch silent = watch("w/quiet", KvWatchOptions.defaults());
                EtcdWatch told = this.kv.watch("w/quiet", KvWatchOptions.defaults().progressNotify(true),
                        progress::add)) {
            // etcd sends progress each second to both streams; the told watch sees two, so the silent one got
            // at least one too, and delivered nothing.
            await().atMost(WAIT).until(() -> progress.size() >= 2);
            assertThat(progress).allSatisfy((e) -> {
                assertThat(e.type()).isEqualTo(Type.PROGRESS);
                assertThat(e.kv()).isNull();
                assertThat(e.prevKv()).isNull();
                assertThat(e.revision()).isGreaterThanOrEqualTo(now);
            });
            assertThat(this.events).isEmpty();
            assertThat(told.nextIndex()).isGreaterThan(now);

            this.kv.put("w/quiet", "changed");
            awaitChanges(1);
            await().atMost(WAIT).until(() -> progress.stream().anyMatch((e) -> e.type() == Type.PUT));
            assertThat(this.events).extracting(KvWatchEvent::type).containsOnly(Type.PUT);
        }
    }

    @Test
    void closeStopsDeliveryAndTheWatchThread() {
        List<KvWatchEvent> other = new CopyOnWriteArrayList<>();
        try (EtcdWatch witness = this.kv.watch("w/close", KvWatchOptions.defaults(), other::add)) {
            EtcdWatch watch = watch("w/close", KvWatchOptions.defaults());
            await().atMost(WAIT).until(() -> threads("etcd-watch w/close") == 2);
            this.kv.put("w/close", "before");
            awaitChanges(1);

            watch.close();
            assertThat(watch.isOpen()).isFalse();
            assertThat(threads("etcd-watch w/close")).as("only the witness's thread is left").isEqualTo(1);

            this.kv.put("w/close", "after");
            await().atMost(WAIT).until(() -> other.size() == 2);
            assertThat(changes()).containsExactly("PUT w/close=before");
        }
        assertThat(threads("etcd-watch w/close")).isZero();
    }

    @Test
    void theWatchThreadIsNamedAfterItsRange() {
        try (EtcdWatch watch = watch("w/named/", KvWatchOptions.prefix())) {
            await().atMost(WAIT).until(() -> threads("etcd-watch w/named/ (prefix)") == 1);
        }
        assertThat(threads("etcd-watch w/named/ (prefix)")).isZero();
    }

    @Test
    void aListenerThatThrowsGoesToTheErrorHandlerAndTheWatchGoesOn() {
        RuntimeException boom = new IllegalStateException("listener failed");
        List<KvWatchEvent> seen = new CopyOnWriteArrayList<>();
        try (EtcdWatch watch = this.kv.watch("w/throws", KvWatchOptions.defaults().onError(this.errors::add),
                (event) -> {
                    seen.add(event);
                    if (event.kv().value().equals("bad")) {
                        throw boom;
                    }
                })) {
            this.kv.put("w/throws", "bad");
            this.kv.put("w/throws", "good");
            await().atMost(WAIT).until(() -> seen.size() == 2);
            assertThat(seen).extracting((e) -> e.kv().value()).containsExactly("bad", "good");
            assertThat(this.errors).containsExactly(boom);
            assertThat(watch.isOpen()).isTrue();
        }
    }

    @Test
    void aWatchRefusesAnEmptyKeyAndNulls() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.kv.watch("", KvWatchOptions.defaults(), this.events::add));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.watch("k", null, this.events::add));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.watch("k", KvWatchOptions.defaults(), null));
        assertThatIllegalArgumentException().isThrownBy(() -> KvWatchOptions.defaults().fromRevision(-1));
    }
}
