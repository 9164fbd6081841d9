package dev.etcdspring.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The REPL session of the Clojure client's README (verschlimmbesserung), step by step, against a real etcd,
 * on both APIs.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class ClojureReadmeSessionTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private EtcdTemplate c;

    ClojureReadmeSessionTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void connect() {
        this.c = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.c.deleteAll(null);
    }

    @AfterEach
    void close() {
        this.c.close();
    }

    @Test
    void theWholeSession() throws Exception {
        // (v/reset! c :atom "hi")
        EtcdResponse reset = this.c.set("atom", "hi");
        assertThat(reset.action()).isEqualTo("set");
        assertThat(reset.node().key()).isEqualTo("/atom");
        assertThat(reset.node().value()).isEqualTo("hi");
        assertThat(reset.node().modifiedIndex()).isEqualTo(reset.node().createdIndex()).isPositive();

        // (v/get c nil) lists the root
        assertThat(this.c.getTree(null)).isEqualTo(Map.of("atom", "hi"));

        // (v/get c :atom)
        assertThat(this.c.get("atom")).isEqualTo("hi");

        // (v/get* c :atom) and its metadata
        EtcdResponse raw = this.c.getResponse("atom");
        assertThat(raw.action()).isEqualTo("get");
        assertThat(raw.node()).isEqualTo(reset.node());
        assertThat(raw.httpStatus()).isEqualTo(200);
        assertThat(raw.etcdIndex()).isGreaterThanOrEqualTo(reset.node().modifiedIndex());
        if (this.api == EtcdApi.V2) {
            assertThat(raw.raftIndex()).isPositive();   // v3 headers carry no raft index
        }
        assertThat(raw.raftTerm()).isPositive();
        assertThat(raw.clusterId()).matches("[0-9a-f]+");

        // (v/cas! c :atom "hi" "meow"), twice
        assertThat(this.c.compareAndSet("atom", "hi", "meow")).isTrue();
        assertThat(this.c.compareAndSet("atom", "hi", "meow")).isFalse();
        assertThat(this.c.get("atom")).isEqualTo("meow");

        // (v/cas-index! c :atom 123 "meow"), then with the right index
        long index = this.c.getResponse("atom").node().modifiedIndex();
        assertThat(this.c.compareAndSetIndex("atom", 123_456, "meow")).isFalse();
        assertThat(this.c.compareAndSetIndex("atom", index, "meow")).isTrue();
        assertThat(this.c.getResponse("atom").node().modifiedIndex()).isGreaterThan(index);

        // (v/swap! c :atom str " says the cat"), twice
        assertThat(this.c.swap("atom", (v) -> v + " says the cat")).isEqualTo("meow says the cat");
        assertThat(this.c.swap("atom", (v) -> v + " says the cat")).isEqualTo("meow says the cat says the cat");

        // 100 concurrent swaps of a counter
        this.c.set("counter", "0");
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> this.c.swap("counter", (n) -> Integer.toString(Integer.parseInt(n) + 1))));
            }
            List<Integer> values = new ArrayList<>();
            for (Future<String> result : results) {
                values.add(Integer.parseInt(result.get()));
            }
            assertThat(values).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(this.c.get("counter")).isEqualTo("100");

        // (v/delete! c :atom) answers with the previous node
        EtcdResponse deleted = this.c.delete("atom");
        assertThat(deleted.action()).isEqualTo("delete");
        assertThat(deleted.node().key()).isEqualTo("/atom");
        assertThat(deleted.prevNode().value()).isEqualTo("meow says the cat says the cat");
        assertThat(this.c.get("atom")).isNull();

        // (v/delete-all! c nil)
        this.c.deleteAll(null);
        assertThat(this.c.getTree(null)).isEmpty();

        // nested keys
        assertThat(this.c.set("cats/mittens", "black n white").node().key()).isEqualTo("/cats/mittens");
        this.c.set("/cats/patches", "calico");
        assertThat(this.c.get("cats/patches")).isEqualTo("calico");

        // directories as maps
        assertThat(this.c.getTree("cats")).isEqualTo(Map.of("mittens", "black n white", "patches", "calico"));

        // not recursive by default: a subdirectory maps to null
        Map<String, Object> root = this.c.getTree(null);
        assertThat(root).containsOnlyKeys("cats");
        assertThat(root.get("cats")).isNull();
        EtcdResponse rawRoot = this.c.getResponse(null);
        assertThat(rawRoot.node().key()).isEqualTo("/");
        assertThat(rawRoot.node().dir()).isTrue();
        assertThat(rawRoot.node().nodes()).singleElement().satisfies((n) -> {
            assertThat(n.key()).isEqualTo("/cats");
            assertThat(n.dir()).isTrue();
        });

        // recursively
        assertThat(this.c.getTree("", ReadOptions.defaults().recursive(true)))
            .isEqualTo(Map.of("cats", Map.of("mittens", "black n white", "patches", "calico")));

        // (v/create! c "物理学" "学生"), then (v/get c ["物理学" index])
        EtcdResponse created = this.c.createInOrder("物理学", "学生");
        assertThat(created.action()).isEqualTo("create");
        assertThat(created.node().key()).startsWith("/物理学/").matches("/物理学/\\d{20}");
        assertThat(this.c.get(created.node().key())).isEqualTo("学生");
        assertThat(this.c.get("物理学/" + created.node().name())).isEqualTo("学生");

        // errors carry status, code, message, cause and index
        assertThatExceptionOfType(EtcdKeyNotFoundException.class).isThrownBy(() -> this.c.swap("nonexistent", (v) -> v))
            .satisfies((e) -> {
                assertThat(e.getHttpStatus()).isEqualTo((this.api == EtcdApi.V2) ? 404 : 200);
                assertThat(e.getErrorCode()).isEqualTo(100);
                assertThat(e.getEtcdMessage()).isEqualTo("Key not found");
                assertThat(e.getEtcdCause()).isEqualTo("/nonexistent");
                assertThat(e.getIndex()).isPositive();
                assertThat(e.getKey()).isEqualTo("/nonexistent");
            });
    }
}
