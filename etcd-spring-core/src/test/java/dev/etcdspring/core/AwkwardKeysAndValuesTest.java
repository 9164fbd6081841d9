package dev.etcdspring.core;

import java.util.Map;
import java.util.stream.Stream;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys and values with characters that mean something in URLs, forms and JSON round-trip exactly, on both APIs:
 * what is written is what the server stores (seen in its own listing) and what is read back.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class AwkwardKeysAndValuesTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private EtcdTemplate etcdTemplate;

    AwkwardKeysAndValuesTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void connect() {
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    static Stream<String> awkward() {
        return Stream.of("a b", "100%", "%41", "what?", "x#y", "a+b", "a&b=c", "k=v", "物理学", "naïve café",
                "emoji 😀", "line\nbreak", "tab\tbed", "cr\rlf", "quote\"'", "back\\slash", "semi;colon", "~tilde",
                "<tag>", "[brackets]", "{braces}", "pipe|", "caret^", "`tick`", "star*", "comma,", "colon:", "at@",
                "dollar$", "excl!", "paren()", "-dash", "dot.name", "..x", "x..", "_hidden-looking", "ctrl\u0001");
    }

    @ParameterizedTest
    @MethodSource("awkward")
    void keySegmentRoundTrips(String name) {
        String key = "/esc/" + name;
        EtcdResponse set = this.etcdTemplate.set(key, "v");
        assertThat(set.node().key()).isEqualTo(key);
        assertThat(this.etcdTemplate.get(key)).isEqualTo("v");
        if (!name.startsWith("_")) {
            assertThat(this.etcdTemplate.getTree("esc")).containsEntry(name, "v");
        }
        this.etcdTemplate.delete(key);
        assertThat(this.etcdTemplate.get(key)).isNull();
    }

    @ParameterizedTest
    @MethodSource("awkward")
    void valueRoundTrips(String value) {
        this.etcdTemplate.set("/values/v", value);
        assertThat(this.etcdTemplate.get("/values/v")).isEqualTo(value);
        assertThat(this.etcdTemplate.compareAndSet("/values/v", value, value + "2")).isTrue();
        assertThat(this.etcdTemplate.get("/values/v")).isEqualTo(value + "2");
        assertThat(this.etcdTemplate.swap("/values/v", (v) -> v + "&" + value)).isEqualTo(value + "2&" + value);
        EtcdResponse deleted = this.etcdTemplate.delete("/values/v", WriteOptions.defaults().prevValue(value + "2&" + value));
        assertThat(deleted.prevNode().value()).isEqualTo(value + "2&" + value);
    }

    @Test
    void unicodeDirectoryWithUnicodeValueInOrder() {
        EtcdResponse created = this.etcdTemplate.createInOrder("物理学/a b?", "学生 & co");
        assertThat(created.node().key()).startsWith("/物理学/a b?/");
        assertThat(this.etcdTemplate.getTree("物理学/a b?")).isEqualTo(Map.of(created.node().name(), "学生 & co"));
    }

    @Test
    void largeValueRoundTrips() {
        String large = "x".repeat(1_000_000) + "&end=1";
        this.etcdTemplate.set("big", large);
        assertThat(this.etcdTemplate.get("big")).isEqualTo(large);
    }
}
