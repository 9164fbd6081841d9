package dev.etcdspring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.etcdspring.test.EtcdCluster;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every operation of {@link EtcdOperations}, on both APIs, against a real etcd: the contract a caller may rely on
 * whatever the API. What exists on one API only (the v2 error's HTTP status, v2's raft index) is asserted for that
 * API only.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdTemplateContractTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private EtcdTemplate etcdTemplate;

    EtcdTemplateContractTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void connect() {
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.etcdTemplate.deleteAll(null);
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    private boolean v2() {
        return this.api == EtcdApi.V2;
    }

    @Test
    void setReportsCreateThenReplaceWithThePreviousNode() {
        EtcdResponse first = this.etcdTemplate.set("/a/key", "one");
        assertThat(first.httpStatus()).isEqualTo(v2() ? 201 : 200);
        assertThat(first.action()).isEqualTo("set");
        assertThat(first.prevNode()).isNull();
        EtcdResponse second = this.etcdTemplate.set("a/key", "two");
        assertThat(second.httpStatus()).isEqualTo(200);
        // a plain set on v2 replaces the node (etcd resets createdIndex); v3 keeps create_revision
        assertThat(second.node().createdIndex())
            .isEqualTo(v2() ? second.node().modifiedIndex() : first.node().createdIndex());
        assertThat(second.action()).isEqualTo("set");
        assertThat(second.prevNode().value()).isEqualTo("one");
        assertThat(second.node().modifiedIndex()).isGreaterThan(first.node().modifiedIndex());
        assertThat(second.etcdIndex()).isEqualTo(second.node().modifiedIndex());
    }

    @Test
    void getOfMissingKeyIsNullAndGetResponseThrows() {
        assertThat(this.etcdTemplate.get("missing")).isNull();
        assertThat(this.etcdTemplate.get("missing/deeper")).isNull();
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.etcdTemplate.getResponse("missing/deeper"))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(EtcdException.KEY_NOT_FOUND);
                // v2 names the first missing path element; v3 has no directories to miss
                assertThat(e.getEtcdCause()).isEqualTo(v2() ? "/missing" : "/missing/deeper");
                assertThat(e.getKey()).isEqualTo("/missing/deeper");
                assertThat(e.getMessage()).contains("Key not found", "/missing/deeper", "etcd error 100");
            });
    }

    @Test
    void aPathThroughAFileIsAbsent() {
        this.etcdTemplate.set("file", "v");
        assertThat(this.etcdTemplate.get("file/below")).isNull();
        assertThat(this.etcdTemplate.getTree("file/below")).isNull();
        assertThat(this.etcdTemplate.deleteAll("file/below").prevNode()).isNull();
        assertThatExceptionOfType(EtcdNotDirectoryException.class)
            .isThrownBy(() -> this.etcdTemplate.getResponse("file/below"))
            .satisfies((e) -> assertThat(e.getErrorCode()).isEqualTo(104));
        assertThat(this.etcdTemplate.get("file")).isEqualTo("v");
    }

    @Test
    void serializableReadSeesTheValueOnASingleMember() {
        this.etcdTemplate.set("fast", "yes");
        assertThat(this.etcdTemplate.get("fast", ReadOptions.defaults().quorum(false))).isEqualTo("yes");
    }

    @Test
    void getOfDirectoryIsNotAFileAndGetTreeOfKeyIsNotADirectory() {
        this.etcdTemplate.set("dir/leaf", "v");
        assertThatExceptionOfType(EtcdNotFileException.class).isThrownBy(() -> this.etcdTemplate.get("dir"))
            .satisfies((e) -> assertThat(e.getErrorCode()).isEqualTo(102));
        assertThatExceptionOfType(EtcdNotDirectoryException.class)
            .isThrownBy(() -> this.etcdTemplate.getTree("dir/leaf"))
            .satisfies((e) -> assertThat(e.getErrorCode()).isEqualTo(104));
    }

    @Test
    void serverErrorsBecomeTypedExceptions() {
        this.etcdTemplate.set("dir/leaf", "v");
        // 102 from the server: setting a directory
        assertThatExceptionOfType(EtcdNotFileException.class).isThrownBy(() -> this.etcdTemplate.set("dir", "x"))
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo(v2() ? 403 : 200);
                assertThat(e.getErrorCode()).isEqualTo(102);
                assertThat(e.getKey()).isEqualTo("/dir");
            });
        // 104 from the server: a key below a key
        assertThatExceptionOfType(EtcdNotDirectoryException.class)
            .isThrownBy(() -> this.etcdTemplate.set("dir/leaf/child", "x"))
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo(v2() ? 400 : 200);
                assertThat(e.getErrorCode()).isEqualTo(104);
            });
        // 105: create-only on an existing key
        assertThatExceptionOfType(EtcdNodeExistsException.class)
            .isThrownBy(() -> this.etcdTemplate.set("dir/leaf", "x", WriteOptions.defaults().prevExist(false)))
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo(v2() ? 412 : 200);
                assertThat(e.getErrorCode()).isEqualTo(105);
                assertThat(e.getIndex()).isPositive();
            });
        // 101: a failed comparison through set
        assertThatExceptionOfType(EtcdCompareFailedException.class)
            .isThrownBy(() -> this.etcdTemplate.set("dir/leaf", "x", WriteOptions.defaults().prevValue("nope")))
            .satisfies((e) -> {
                assertThat(e.getErrorCode()).isEqualTo(101);
                assertThat(e.getEtcdCause()).isEqualTo("[nope != v]");
            });
        // 100: update-only on a missing key
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.etcdTemplate.set("dir/none", "x", WriteOptions.defaults().prevExist(true)));
        // 102 from delete of a directory
        assertThatExceptionOfType(EtcdNotFileException.class).isThrownBy(() -> this.etcdTemplate.delete("dir"));
        assertThat(this.etcdTemplate.get("dir/leaf")).isEqualTo("v");
    }

    @Test
    void createOnlyOnADirectoryIsNodeExistsAndDeleteBelowAFileIsNotADirectory() {
        this.etcdTemplate.set("d/child", "c");
        assertThatExceptionOfType(EtcdNodeExistsException.class)
            .isThrownBy(() -> this.etcdTemplate.set("d", "x", WriteOptions.defaults().prevExist(false)));
        this.etcdTemplate.set("f", "file");
        assertThatExceptionOfType(EtcdNotDirectoryException.class).isThrownBy(() -> this.etcdTemplate.delete("f/below"));
        assertThatExceptionOfType(EtcdKeyNotFoundException.class).isThrownBy(() -> this.etcdTemplate.delete("nothing/below"));
    }

    @Test
    void sortedListingsOrderNamesAsStrings() {
        // '-' sorts before '/', so a raw byte order of whole keys would put app-v2 before app's children
        this.etcdTemplate.set("cfg/app/x", "1");
        this.etcdTemplate.set("cfg/app-v2", "2");
        this.etcdTemplate.set("cfg/a", "3");
        assertThat(this.etcdTemplate.getTree("cfg", ReadOptions.defaults().sorted(true)).keySet())
            .containsExactly("a", "app", "app-v2");
        assertThat(this.etcdTemplate.getTree("cfg", ReadOptions.defaults().sorted(true).recursive(true)).keySet())
            .containsExactly("a", "app", "app-v2");
    }

    @Test
    void inOrderNamesAreNeverGivenTwiceEvenAfterDeletes() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            EtcdResponse created = this.etcdTemplate.createInOrder("jobs", "job" + i);
            assertThat(names.add(created.node().name())).as("name %s given twice", created.node().name()).isTrue();
            this.etcdTemplate.delete(created.node().key());
        }
        this.etcdTemplate.set("jobs/_lock", "held");
        this.etcdTemplate.set("jobs/meta/owner", "me");
        assertThat(this.etcdTemplate.createInOrder("jobs", "after").node().name()).matches("\\d{20}");
    }

    @Test
    void createOnlyAndUpdateOnly() {
        EtcdResponse created = this.etcdTemplate.set("lock", "me", WriteOptions.defaults().prevExist(false));
        assertThat(created.action()).isEqualTo("create");
        EtcdResponse updated = this.etcdTemplate.set("lock", "you", WriteOptions.defaults().prevExist(true));
        assertThat(updated.action()).isEqualTo("update");
        assertThat(updated.node().createdIndex()).isEqualTo(created.node().createdIndex());
    }

    @Test
    void compareAndSetAnswersFalseOnMismatchAndThrowsOnMissingKey() {
        this.etcdTemplate.set("cas", "one");
        assertThat(this.etcdTemplate.compareAndSet("cas", "two", "three")).isFalse();
        assertThat(this.etcdTemplate.compareAndSet("cas", "one", "three")).isTrue();
        assertThat(this.etcdTemplate.get("cas")).isEqualTo("three");
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.etcdTemplate.compareAndSet("nokey", "one", "two"));
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.etcdTemplate.compareAndSetIndex("nokey", 5, "two"));
    }

    @Test
    void compareAndSetFromTheEmptyValue() {
        // etcd itself refuses an empty prevValue (error 201); the template still compares with "".
        this.etcdTemplate.set("empty", "");
        assertThat(this.etcdTemplate.compareAndSet("empty", "", "filled")).isTrue();
        assertThat(this.etcdTemplate.compareAndSet("empty", "", "again")).isFalse();
        assertThat(this.etcdTemplate.get("empty")).isEqualTo("filled");
        assertThat(this.etcdTemplate.compareAndSet("empty", "filled", "")).isTrue();
        assertThat(this.etcdTemplate.get("empty")).isEmpty();
        assertThatExceptionOfType(EtcdCompareFailedException.class)
            .isThrownBy(() -> this.etcdTemplate.set("empty", "x", WriteOptions.defaults().prevValue("").prevIndex(1)))
            .satisfies((e) -> assertThat(e.getEtcdCause()).startsWith("[1 != "));
        this.etcdTemplate.set("d/child", "c");
        assertThatExceptionOfType(EtcdNotFileException.class)
            .isThrownBy(() -> this.etcdTemplate.compareAndSet("d", "", "x"));
    }

    @Test
    void compareAndDeleteOfTheEmptyValue() {
        this.etcdTemplate.set("blank", "not blank");
        assertThatExceptionOfType(EtcdCompareFailedException.class)
            .isThrownBy(() -> this.etcdTemplate.delete("blank", WriteOptions.defaults().prevValue("")))
            .satisfies((e) -> assertThat(e.getEtcdCause()).isEqualTo("[ != not blank]"));
        this.etcdTemplate.set("blank", "");
        EtcdResponse deleted = this.etcdTemplate.delete("blank", WriteOptions.defaults().prevValue(""));
        assertThat(deleted.action()).isEqualTo("compareAndDelete");
        assertThat(deleted.prevNode().value()).isEmpty();
        assertThat(this.etcdTemplate.get("blank")).isNull();
    }

    @Test
    void swapOfMissingKeyOrDirectory() {
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.etcdTemplate.swap("ghost", (v) -> v + "!"));
        this.etcdTemplate.set("d/x", "1");
        assertThatExceptionOfType(EtcdNotFileException.class).isThrownBy(() -> this.etcdTemplate.swap("d", (v) -> v));
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> this.etcdTemplate.swap("d/x", (v) -> null))
            .withMessageContaining("/d/x");
        assertThat(this.etcdTemplate.get("d/x")).isEqualTo("1");
    }

    @Test
    void swapGivesUpWithAClearExceptionWhenTheKeyKeepsChanging() {
        EtcdTemplate impatient = EtcdTemplate.builder()
            .endpoints(etcd.endpoint())
            .api(this.api)
            .swapMaxAttempts(3)
            .swapBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
            .build();
        impatient.set("contended", "0");
        // The function itself changes the key behind the swap's back, so every compare-and-set fails.
        assertThatExceptionOfType(EtcdSwapExhaustedException.class).isThrownBy(() -> impatient.swap("contended", (v) -> {
            this.etcdTemplate.set("contended", v + "+");
            return "mine";
        })).satisfies((e) -> {
            assertThat(e.getAttempts()).isEqualTo(3);
            assertThat(e.getErrorCode()).isEqualTo(101);
            assertThat(e.getKey()).isEqualTo("/contended");
            assertThat(e.getMessage()).contains("/contended", "3 attempts");
            assertThat(e.getCause()).isInstanceOf(EtcdCompareFailedException.class);
        });
        assertThat(this.etcdTemplate.get("contended")).isEqualTo("0+++");
    }

    @Test
    void swapStopsAtItsTimeBound() {
        EtcdTemplate bounded = EtcdTemplate.builder()
            .endpoints(etcd.endpoint())
            .api(this.api)
            .swapMaxAttempts(1_000_000)
            .swapTimeout(Duration.ofMillis(300))
            .swapBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
            .build();
        bounded.set("contended", "0");
        assertThatExceptionOfType(EtcdSwapExhaustedException.class).isThrownBy(() -> bounded.swap("contended", (v) -> {
            this.etcdTemplate.set("contended", v + "+");
            return "mine";
        })).satisfies((e) -> assertThat(e.getAttempts()).isBetween(2, 20));
    }

    @Test
    void swapsOfOneKeyInOneTemplateTakeTurnsAndFailNoComparisonAgainstEachOther() throws Exception {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger swaps = new java.util.concurrent.atomic.AtomicInteger();
        EtcdTemplate counting = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .listener(new EtcdClientListener() {
                @Override
                public void swapFinished(String key, int tried, boolean swapped) {
                    attempts.addAndGet(tried);
                    swaps.incrementAndGet();
                }
            })
            .build();
        counting.set("turns", "0");
        List<Integer> values = swapConcurrently(List.of(counting), 8, 25, "turns");
        assertThat(values).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 200).boxed().toList());
        assertThat(swaps).hasValue(200);
        assertThat(attempts).as("one compare-and-set per swap: no swap compared against a stale value").hasValue(200);
        assertThat(counting.get("turns")).isEqualTo("200");
    }

    @Test
    void swapsFromTwoTemplatesOfOneKeyLoseNoIncrementThoughTheHandedOverValueGoesStale() throws Exception {
        EtcdTemplate other = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .swapBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
            .build();
        EtcdTemplate mine = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .swapBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
            .build();
        mine.set("shared-counter", "0");
        List<Integer> values = swapConcurrently(List.of(mine, other), 6, 20, "shared-counter");
        assertThat(values).as("every swap saw a distinct value: none lost, none applied twice")
            .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 240).boxed().toList());
        assertThat(this.etcdTemplate.get("shared-counter")).isEqualTo("240");
    }

    @Test
    void aSwapWaitingForItsTurnGivesUpAtItsTimeBoundWithoutTrying() throws Exception {
        EtcdTemplate bounded = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api)
            .swapTimeout(Duration.ofMillis(300))
            .build();
        bounded.set("slow-turn", "0");
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<String> first = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> bounded.swap("slow-turn", (v) -> {
                holding.countDown();
                try {
                    release.await();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                return v + "+first";
            }));
        assertThat(holding.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        try {
            assertThatExceptionOfType(EtcdSwapExhaustedException.class)
                .isThrownBy(() -> bounded.swap("slow-turn", (v) -> v + "+second"))
                .satisfies((e) -> {
                    assertThat(e.getAttempts()).isZero();
                    assertThat(e.getKey()).isEqualTo("/slow-turn");
                    assertThat(e.getMessage()).contains("/slow-turn", "other swaps of the same key", "not changed");
                });
        }
        finally {
            release.countDown();
        }
        assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("0+first");
        assertThat(this.etcdTemplate.get("slow-turn")).isEqualTo("0+first");
    }

    /** Runs {@code perTemplate} threads on each template, each swapping the counter {@code times} times. */
    private static List<Integer> swapConcurrently(List<EtcdTemplate> templates, int perTemplate, int times, String key)
            throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
            .newFixedThreadPool(templates.size() * perTemplate);
        try {
            List<java.util.concurrent.Future<List<Integer>>> results = new ArrayList<>();
            for (EtcdTemplate template : templates) {
                for (int t = 0; t < perTemplate; t++) {
                    results.add(pool.submit(() -> {
                        List<Integer> seen = new ArrayList<>();
                        for (int i = 0; i < times; i++) {
                            seen.add(Integer.parseInt(template.swap(key, (n) -> Integer.toString(Integer.parseInt(n) + 1))));
                        }
                        return seen;
                    }));
                }
            }
            List<Integer> values = new ArrayList<>();
            for (java.util.concurrent.Future<List<Integer>> result : results) {
                values.addAll(result.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return values;
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void compareAndDelete() {
        this.etcdTemplate.set("owned", "me");
        assertThatExceptionOfType(EtcdCompareFailedException.class)
            .isThrownBy(() -> this.etcdTemplate.delete("owned", WriteOptions.defaults().prevValue("you")));
        long index = this.etcdTemplate.getResponse("owned").node().modifiedIndex();
        assertThatExceptionOfType(EtcdCompareFailedException.class)
            .isThrownBy(() -> this.etcdTemplate.delete("owned", WriteOptions.defaults().prevIndex(index + 100)));
        EtcdResponse deleted = this.etcdTemplate.delete("owned", WriteOptions.defaults().prevValue("me"));
        assertThat(deleted.action()).isEqualTo("compareAndDelete");
        assertThat(deleted.prevNode().value()).isEqualTo("me");
        assertThat(this.etcdTemplate.get("owned")).isNull();
        assertThatExceptionOfType(EtcdKeyNotFoundException.class).isThrownBy(() -> this.etcdTemplate.delete("owned"));
    }

    @Test
    void createInOrderMakesKeysThatSortInCreationOrder() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            keys.add(this.etcdTemplate.createInOrder("queue", "job" + i).node().key());
        }
        assertThat(keys).isSorted().doesNotHaveDuplicates();
        Map<String, Object> queue = this.etcdTemplate.getTree("queue", ReadOptions.defaults().sorted(true));
        assertThat(queue.values()).containsExactly("job0", "job1", "job2", "job3", "job4");
        assertThat(new ArrayList<>(queue.keySet()))
            .isEqualTo(keys.stream().map((k) -> k.substring("/queue/".length())).toList());
    }

    @Test
    void treesOneLevelAndRecursive() {
        this.etcdTemplate.set("app/name", "demo");
        this.etcdTemplate.set("app/db/url", "jdbc:x");
        this.etcdTemplate.set("app/db/pool/size", "5");
        assertThat(this.etcdTemplate.getTree("/app/")).containsOnlyKeys("name", "db")
            .containsEntry("name", "demo")
            .containsEntry("db", null);
        assertThat(this.etcdTemplate.getTree("app", ReadOptions.defaults().recursive(true).sorted(true)))
            .isEqualTo(Map.of("name", "demo", "db", Map.of("url", "jdbc:x", "pool", Map.of("size", "5"))));
        assertThat(this.etcdTemplate.getTree("app", ReadOptions.defaults().sorted(true)).keySet())
            .containsExactly("db", "name");
        assertThat(this.etcdTemplate.getTree("nothing")).isNull();
        EtcdResponse raw = this.etcdTemplate.getResponse("app", ReadOptions.defaults().recursive(true));
        assertThat(raw.node().dir()).isTrue();
        assertThat(raw.node().nodes()).extracting(EtcdNode::key).containsExactlyInAnyOrder("/app/name", "/app/db");
    }

    @Test
    void deleteAllEmptiesADirectoryAndKeepsIt() {
        this.etcdTemplate.set("keep/me", "1");
        this.etcdTemplate.set("tmp/a", "1");
        this.etcdTemplate.set("tmp/sub/b", "2");
        EtcdResponse response = this.etcdTemplate.deleteAll("tmp");
        assertThat(response.action()).isEqualTo("delete");
        assertThat(response.node().key()).isEqualTo("/tmp");
        assertThat(response.prevNode().nodes()).extracting(EtcdNode::key).containsExactlyInAnyOrder("/tmp/a", "/tmp/sub");
        if (v2()) {
            assertThat(this.etcdTemplate.getTree("tmp")).as("v2 keeps the directory node").isEmpty();
        }
        else {
            assertThat(this.etcdTemplate.getTree("tmp")).as("a v3 directory is gone with its last key").isNull();
        }
        assertThat(this.etcdTemplate.get("keep/me")).isEqualTo("1");
        assertThat(this.etcdTemplate.deleteAll("never-existed").prevNode()).isNull();
        assertThatExceptionOfType(EtcdNotDirectoryException.class).isThrownBy(() -> this.etcdTemplate.deleteAll("keep/me"));
    }

    @Test
    void deleteAllOfTheRootRemovesEverything() {
        this.etcdTemplate.set("x/y", "1");
        this.etcdTemplate.set("z", "2");
        this.etcdTemplate.deleteAll("/");
        assertThat(this.etcdTemplate.getTree(null)).isEmpty();
        assertThat(this.etcdTemplate.getTree("")).isEmpty();
    }

    @Test
    void keyWithTtlCarriesItAndDisappears() {
        Instant before = Instant.now();
        EtcdResponse response = this.etcdTemplate.set("session", "alive", WriteOptions.defaults().ttl(Duration.ofSeconds(1)));
        // v3 grants at least its minimum lease (1.5 election timeouts, 2 s here) and reports what it granted
        long granted = response.node().ttl();
        assertThat(granted).isEqualTo(v2() ? 1L : 2L);
        assertThat(response.node().expiration()).isAfter(before).isBefore(before.plusSeconds(5));
        EtcdNode read = this.etcdTemplate.getResponse("session").node();
        assertThat(read.ttl()).isBetween(0L, granted);
        assertThat(read.expiration()).isBefore(before.plusSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> this.etcdTemplate.get("session") == null);
        EtcdResponse plain = this.etcdTemplate.set("forever", "x");
        assertThat(plain.node().ttl()).isNull();
        assertThat(plain.node().expiration()).isNull();
        assertThat(this.etcdTemplate.getResponse("forever").node().ttl()).isNull();
    }

    @Test
    void createInOrderWithTtl() {
        EtcdResponse job = this.etcdTemplate.createInOrder("jobs", "j", WriteOptions.defaults().ttl(Duration.ofSeconds(30)));
        assertThat(job.node().ttl()).isEqualTo(30L);
    }

    @Test
    void perCallTimeoutOverridesTheDefault() {
        EtcdResponse response = this.etcdTemplate.set("t", "v", WriteOptions.defaults().timeout(Duration.ofSeconds(3)));
        assertThat(response.node().value()).isEqualTo("v");
        assertThat(this.etcdTemplate.get("t", ReadOptions.defaults().timeout(Duration.ofMillis(2500)))).isEqualTo("v");
    }

    @Test
    void healthOfAMemberAndOfNone() {
        EtcdHealth health = this.etcdTemplate.health(Duration.ofSeconds(2));
        assertThat(health.healthy()).isTrue();
        assertThat(health.endpoint()).isEqualTo(etcd.endpoint());
        assertThat(health.api()).isEqualTo(this.api);
        assertThat(health.serverVersion()).startsWith("3.");
        assertThat(health.index()).isPositive();
        assertThat(health.clusterId()).matches("[0-9a-f]+")
            .isEqualTo(this.etcdTemplate.set("health/id", "v").clusterId());
        EtcdApi other = (this.api == EtcdApi.V2) ? EtcdApi.V3 : EtcdApi.V2;
        try (EtcdTemplate otherApi = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(other).build()) {
            assertThat(otherApi.health(Duration.ofSeconds(2)).clusterId()).as("one cluster, one id on both APIs")
                .isEqualTo(health.clusterId());
        }
        assertThat(health.reason()).isNull();
        try (EtcdTemplate nowhere = EtcdTemplate.builder().endpoints("http://127.0.0.1:" + EtcdCluster.freePort())
            .api(this.api).build()) {
            EtcdHealth down = nowhere.health(Duration.ofSeconds(1));
            assertThat(down.healthy()).isFalse();
            assertThat(down.reason()).contains("ConnectException");
        }
    }

    @Test
    void versionAndMembers() {
        EtcdVersion version = this.etcdTemplate.version();
        assertThat(version.server()).startsWith("3.");
        assertThat(version.cluster()).startsWith("3.");
        assertThat(this.etcdTemplate.members()).singleElement().satisfies((m) -> {
            assertThat(m.id()).matches("[0-9a-f]+");
            assertThat(m.name()).isEqualTo("member0");
            assertThat(m.clientUrls()).containsExactly(etcd.endpoint());
            assertThat(m.peerUrls()).containsExactly(etcd.cluster().member(0).peerUrl());
        });
    }

    @Test
    void aValueTooLargeForTheServerIsRefusedWithItsReason() {
        String overEtcdsLimit = "x".repeat(1_600_000);
        String overGrpcsLimit = "x".repeat(2 * 1024 * 1024);
        if (v2()) {
            // v2 has no request size limit of its own
            this.etcdTemplate.set("large", overGrpcsLimit);
            assertThat(this.etcdTemplate.get("large")).hasSize(overGrpcsLimit.length());
            return;
        }
        // v3: etcd refuses requests above 1.5 MiB (--max-request-bytes); the gateway's gRPC hop refuses 2 MiB
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> this.etcdTemplate.set("large", overEtcdsLimit))
            .satisfies((e) -> {
                assertThat(e.getMessage()).contains("etcdserver: request is too large", "gRPC 3 InvalidArgument", "/large");
                assertThat(e.getHttpStatus()).isEqualTo(400);
                assertThat(e.isOutcomeUnknown()).as("refused, so certainly not applied").isFalse();
            });
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> this.etcdTemplate.set("large", overGrpcsLimit))
            .satisfies((e) -> {
                assertThat(e.getMessage()).contains("received message larger than max", "gRPC 8 ResourceExhausted");
                assertThat(e.getHttpStatus()).isEqualTo(429);
                assertThat(e.isOutcomeUnknown()).isFalse();
            });
        assertThat(this.etcdTemplate.get("large")).isNull();
    }

    @Test
    void hiddenKeysAreReadableButNotListed() {
        this.etcdTemplate.set("h/_secret", "s");
        this.etcdTemplate.set("h/open", "o");
        assertThat(this.etcdTemplate.get("h/_secret")).isEqualTo("s");
        assertThat(this.etcdTemplate.getTree("h")).containsOnlyKeys("open");
    }

    @Test
    void aFailedComparisonOnV3ReportsTheKeyAsTheTransactionSawIt() {
        long index = this.etcdTemplate.set("swapping/k", "1").node().modifiedIndex();
        long changed = this.etcdTemplate.set("swapping/k", "2").node().modifiedIndex();
        assertThatExceptionOfType(EtcdCompareFailedException.class)
            .isThrownBy(() -> this.etcdTemplate.set("swapping/k", "x", WriteOptions.defaults().prevIndex(index)))
            .satisfies((ex) -> {
                if (v2()) {
                    assertThat(ex.getCurrentNode()).as("v2's answer does not hold the value").isNull();
                }
                else {
                    assertThat(ex.getCurrentNode().value()).isEqualTo("2");
                    assertThat(ex.getCurrentNode().modifiedIndex()).isEqualTo(changed);
                }
            });
    }
}
