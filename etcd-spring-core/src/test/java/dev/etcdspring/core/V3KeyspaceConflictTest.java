package dev.etcdspring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.RawV3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * On v3, keys that v2's directory model cannot hold, written as other v3 clients write them (a key that holds a
 * value and has keys below it; a key with an empty segment): the directory API fails naming the key rather than
 * show part of the keyspace, deleteAll deletes nothing it could not show, and a watch's resync reports the
 * conflict instead of delivering an incomplete tree. Reads of single keys stay exact.
 */
class V3KeyspaceConflictTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final ReadOptions RECURSIVE = ReadOptions.defaults().recursive(true);

    private RawV3 raw;

    private EtcdTemplate etcdTemplate;

    @BeforeEach
    void connect() {
        this.raw = new RawV3(etcd.endpoint());
        this.raw.deleteEverything();
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    /** {@code /cfg/server = x} beside {@code /cfg/server/port = 8080}, legal in v3, and a plain key beside them. */
    private void writeServerConflict() {
        this.raw.put("/cfg/server", "x");
        this.raw.put("/cfg/server/port", "8080");
        this.raw.put("/cfg/name", "app");
    }

    private static EtcdKeyspaceConflictException conflict(ThrowingSupplier<?> operation) {
        Throwable thrown = catchThrowable(operation::get);
        assertThat(thrown).isInstanceOf(EtcdKeyspaceConflictException.class);
        EtcdKeyspaceConflictException ex = (EtcdKeyspaceConflictException) thrown;
        // Callers take these two for "absent": the conflict must never look like them.
        assertThat(ex).isNotInstanceOfAny(EtcdKeyNotFoundException.class, EtcdNotDirectoryException.class,
                EtcdNotFileException.class);
        assertThat(ex.getErrorCode()).isEqualTo(EtcdException.KEYSPACE_CONFLICT);
        assertThat(ex.getIndex()).isPositive();
        return ex;
    }

    private static void namesServer(EtcdKeyspaceConflictException ex, String operationKey) {
        assertThat(ex.getConflictingKey()).isEqualTo("/cfg/server");
        assertThat(ex.getKey()).isEqualTo(operationKey);
        assertThat(ex.getMessage()).startsWith("etcd key '/cfg/server' holds a value and has keys below it "
                + "('/cfg/server/port'); the directory API cannot show both: read it with opsForKeyValue()");
    }

    private static List<String> leaves(EtcdNode dir, List<String> into) {
        for (EtcdNode node : dir.nodes()) {
            if (node.dir()) {
                leaves(node, into);
            }
            else {
                into.add(node.key());
            }
        }
        return into;
    }

    // ---------------------------------------------------------------- reads

    @Test
    void getTreeOfTheDirectoryFailsNamingTheKeyRecursiveOrNot() {
        writeServerConflict();
        namesServer(conflict(() -> this.etcdTemplate.getTree("/cfg")), "/cfg");
        namesServer(conflict(() -> this.etcdTemplate.getTree("/cfg", RECURSIVE)), "/cfg");
        namesServer(conflict(() -> this.etcdTemplate.getTree("/cfg", ReadOptions.defaults().quorum(false))), "/cfg");
    }

    @Test
    void theRootListingFailsToo() {
        writeServerConflict();
        namesServer(conflict(() -> this.etcdTemplate.getTree(null)), "/");
        namesServer(conflict(() -> this.etcdTemplate.getTree("/", RECURSIVE)), "/");
        namesServer(conflict(() -> this.etcdTemplate.getResponse("/", RECURSIVE)), "/");
    }

    @Test
    void getOfTheDirectoryFailsWithTheConflictRatherThanNotAFile() {
        writeServerConflict();
        namesServer(conflict(() -> this.etcdTemplate.get("/cfg")), "/cfg");
        namesServer(conflict(() -> this.etcdTemplate.getResponse("/cfg")), "/cfg");
        namesServer(conflict(() -> this.etcdTemplate.getResponse("/cfg", RECURSIVE)), "/cfg");
    }

    @Test
    void aConflictDeeperThanANonRecursiveListingShowsFailsItToo() {
        this.raw.put("/deep/a/b", "1");
        this.raw.put("/deep/a/b/c", "2");
        EtcdKeyspaceConflictException ex = conflict(() -> this.etcdTemplate.getTree("/deep"));
        assertThat(ex.getConflictingKey()).isEqualTo("/deep/a/b");
        assertThat(ex.getMessage()).contains("('/deep/a/b/c')");
    }

    @Test
    void theKeyItselfAndWhatLiesBelowItStillReadExactly() {
        writeServerConflict();
        this.raw.put("/cfg/server/tls/cert", "c");
        assertThat(this.etcdTemplate.get("/cfg/server")).isEqualTo("x");
        EtcdResponse leaf = this.etcdTemplate.getResponse("/cfg/server");
        assertThat(leaf.node().dir()).isFalse();
        assertThat(leaf.node().value()).isEqualTo("x");
        assertThat(this.etcdTemplate.get("/cfg/server/port")).isEqualTo("8080");
        assertThat(this.etcdTemplate.get("/cfg/server/missing")).isNull();
        assertThat(this.etcdTemplate.getTree("/cfg/server/tls")).isEqualTo(Map.of("cert", "c"));
        assertThatExceptionOfType(EtcdNotDirectoryException.class)
            .isThrownBy(() -> this.etcdTemplate.getTree("/cfg/server/port"));
    }

    @Test
    void aReadOfTheKeyAsADirectoryFailsRatherThanShowOnlyItsValue() {
        writeServerConflict();
        for (ThrowingSupplier<?> read : List.<ThrowingSupplier<?>>of(() -> this.etcdTemplate.getTree("/cfg/server"),
                () -> this.etcdTemplate.getTree("/cfg/server", RECURSIVE),
                () -> this.etcdTemplate.getResponse("/cfg/server", RECURSIVE))) {
            namesServer(conflict(read), "/cfg/server");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "/e/a//b", "/e//b", "/e/a/", "/e/" })
    void anEmptySegmentFailsTheListingAndDeleteAllNamingTheKey(String key) {
        this.raw.put("/e/ok", "1");
        this.raw.put(key, "2");
        for (ThrowingSupplier<?> operation : List.<ThrowingSupplier<?>>of(() -> this.etcdTemplate.getTree("/e"),
                () -> this.etcdTemplate.getTree("/e", RECURSIVE), () -> this.etcdTemplate.get("/e"),
                () -> this.etcdTemplate.getTree(null, RECURSIVE), () -> this.etcdTemplate.deleteAll("/e"))) {
            EtcdKeyspaceConflictException ex = conflict(operation);
            assertThat(ex.getConflictingKey()).isEqualTo(key);
            assertThat(ex.getMessage()).startsWith("etcd key '" + key + "' has an empty segment, which the directory "
                    + "API cannot show: read it with opsForKeyValue()");
        }
        assertThat(this.raw.keys("/e/")).containsExactlyInAnyOrder("/e/ok", key);
    }

    @Test
    void anEmptySegmentAtTheRootFailsTheRootListing() {
        this.raw.put("/a", "1");
        this.raw.put("//b", "2");
        assertThat(conflict(() -> this.etcdTemplate.getTree(null)).getConflictingKey()).isEqualTo("//b");
        assertThat(conflict(() -> this.etcdTemplate.deleteAll(null)).getConflictingKey()).isEqualTo("//b");
        assertThat(this.raw.keys("/")).containsExactly("//b", "/a");
    }

    @Test
    void hiddenKeysStayHiddenAndKeysOutsideTheSlashNamespaceAreInNoDirectory() {
        this.raw.put("/h/a", "1");
        this.raw.put("/h/a/_secret", "2");
        this.raw.put("/h/_dir/x", "3");
        this.raw.put("/h/_dir/x/y", "4");
        this.raw.put("plain", "p");
        this.raw.put("plain/x", "q");
        this.raw.put("h//x", "r");
        assertThat(this.etcdTemplate.getTree("/h")).isEqualTo(Map.of("a", "1"));
        assertThat(this.etcdTemplate.getTree(null, RECURSIVE)).isEqualTo(Map.of("h", Map.of("a", "1")));
        assertThat(this.etcdTemplate.get("/h/a")).isEqualTo("1");
    }

    // ---------------------------------------------------------------- deleteAll

    @Test
    void deleteAllRefusesBeforeDeletingAnything() {
        writeServerConflict();
        namesServer(conflict(() -> this.etcdTemplate.deleteAll("/cfg")), "/cfg");
        namesServer(conflict(() -> this.etcdTemplate.deleteAll(null)), "/");
        // The directory itself holds a value and has keys below it: not merely "Not a directory".
        namesServer(conflict(() -> this.etcdTemplate.deleteAll("/cfg/server")), "/cfg/server");
        assertThat(this.raw.keys("/cfg")).containsExactly("/cfg/name", "/cfg/server", "/cfg/server/port");
    }

    @Test
    void deleteAllRefusesAConflictAmongHiddenKeysWhichItWouldDelete() {
        this.raw.put("/d/a", "1");
        this.raw.put("/d/_h", "2");
        this.raw.put("/d/_h/x", "3");
        assertThat(this.etcdTemplate.getTree("/d")).isEqualTo(Map.of("a", "1"));
        assertThat(conflict(() -> this.etcdTemplate.deleteAll("/d")).getConflictingKey()).isEqualTo("/d/_h");
        assertThat(this.raw.keys("/d/")).containsExactly("/d/_h", "/d/_h/x", "/d/a");
    }

    @Test
    void deleteAllOfWhatTheModelCanShowDeletesItAllAndListsEveryKeyItDeleted() {
        this.etcdTemplate.set("/ok/a", "1");
        this.etcdTemplate.set("/ok/b/c", "2");
        this.etcdTemplate.set("/ok/_h", "3");
        this.raw.put("/ok-sibling", "s");
        writeServerConflict();
        EtcdResponse deleted = this.etcdTemplate.deleteAll("/ok");
        assertThat(deleted.action()).isEqualTo("delete");
        assertThat(leaves(deleted.prevNode(), new ArrayList<>())).containsExactly("/ok/_h", "/ok/a", "/ok/b/c");
        assertThat(this.raw.keys("/ok/")).isEmpty();
        assertThat(this.raw.keys("/ok-sibling")).containsExactly("/ok-sibling");
        assertThat(this.raw.keys("/cfg/")).hasSize(3);
        assertThat(this.etcdTemplate.deleteAll("/ok").prevNode()).isNull();
        assertThatExceptionOfType(EtcdNotDirectoryException.class)
            .isThrownBy(() -> this.etcdTemplate.deleteAll("/ok-sibling"));
        assertThat(this.raw.keys("/ok-sibling")).containsExactly("/ok-sibling");
    }

    /** A template whose first deleteAll transaction is preceded by a raw write: a writer between read and delete. */
    private EtcdTemplate writingBeforeTheFirstDelete(String key, AtomicInteger deletes) {
        RestClient.Builder interleaving = RestClient.builder().requestInterceptor((request, body, execution) -> {
            if (request.getURI().getPath().equals("/v3/kv/txn")
                    && new String(body, java.nio.charset.StandardCharsets.UTF_8).contains("request_delete_range")
                    && deletes.incrementAndGet() == 1) {
                this.raw.put(key, "late");
            }
            return execution.execute(request, body);
        });
        return EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).restClientBuilder(interleaving)
            .build();
    }

    @Test
    void aConflictWrittenBetweenDeleteAllsReadAndItsDeleteStopsItBeforeItDeletesAnything() {
        this.etcdTemplate.set("/race/x", "v");
        this.etcdTemplate.set("/race/z", "1");
        AtomicInteger deletes = new AtomicInteger();
        try (EtcdTemplate interleaved = writingBeforeTheFirstDelete("/race/x/y", deletes)) {
            EtcdKeyspaceConflictException ex = conflict(() -> interleaved.deleteAll("/race"));
            assertThat(ex.getConflictingKey()).isEqualTo("/race/x");
        }
        assertThat(deletes).as("delete transactions sent").hasValue(1);
        assertThat(this.raw.keys("/race/")).containsExactly("/race/x", "/race/x/y", "/race/z");
    }

    @Test
    void aKeyWrittenBetweenDeleteAllsReadAndItsDeleteIsReadAgainAndListed() {
        this.etcdTemplate.set("/race/a", "1");
        AtomicInteger deletes = new AtomicInteger();
        try (EtcdTemplate interleaved = writingBeforeTheFirstDelete("/race/late", deletes)) {
            EtcdResponse deleted = interleaved.deleteAll("/race");
            assertThat(leaves(deleted.prevNode(), new ArrayList<>())).containsExactly("/race/a", "/race/late");
        }
        assertThat(deletes).as("delete transactions sent").hasValue(2);
        assertThat(this.raw.keys("/race/")).isEmpty();
    }

    // ---------------------------------------------------------------- watches

    @Test
    void aResyncThatMeetsAConflictIsReportedDeliversNothingAndIsTriedAgainUntilItCanShowTheTree() {
        List<EtcdResponse> events = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        long first = this.etcdTemplate.set("/w/a", "1").node().modifiedIndex();
        this.raw.put("/w/s", "x");
        this.raw.compact(this.raw.put("/w/s/p", "1"));
        try (EtcdTemplate watching = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3)
            .watchBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
            .build();
                EtcdWatch watch = watching.watch("/w",
                        WatchOptions.defaults().recursive(true).fromIndex(first).onError(errors::add), events::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
            assertThat(errors.get(0)).isInstanceOfSatisfying(EtcdKeyspaceConflictException.class,
                    (ex) -> assertThat(ex.getConflictingKey()).isEqualTo("/w/s"));
            assertThat(events).isEmpty();

            long fixed = this.raw.delete("/w/s/p");
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
            EtcdResponse resync = events.get(0);
            assertThat(resync.action()).isEqualTo("resync");
            assertThat(resync.etcdIndex()).as("read after the fix, none before it").isGreaterThanOrEqualTo(fixed);
            assertThat(resync.node().nodes()).extracting(EtcdNode::key).containsExactly("/w/a", "/w/s");
            assertThat(errors).as("reported once for the outage").hasSize(1);
        }
    }

    @Test
    void liveEventsOfKeysTheModelCannotShowAreDeliveredAsTheyCome() {
        List<EtcdResponse> events = new CopyOnWriteArrayList<>();
        try (EtcdWatch watch = this.etcdTemplate.watch("/live", WatchOptions.defaults().recursive(true),
                events::add)) {
            this.raw.put("/live/s", "x");
            this.raw.put("/live/s/p", "1");
            this.raw.put("/live//e", "2");
            this.raw.put("/live/t/", "3");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 4);
            assertThat(events).extracting((e) -> e.node().key()).containsExactly("/live/s", "/live/s/p", "/live//e",
                    "/live/t/");
            assertThat(events).extracting((e) -> e.node().value()).containsExactly("x", "1", "2", "3");
        }
    }
}
