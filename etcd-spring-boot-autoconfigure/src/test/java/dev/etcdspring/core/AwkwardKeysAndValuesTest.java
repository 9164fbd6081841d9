package dev.etcdspring.core;

import java.util.Map;
import java.util.stream.Stream;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys and values with characters that mean something in URLs and forms round-trip exactly: what is written
 * is what the server stores (seen in its own listing) and what is read back.
 */
class AwkwardKeysAndValuesTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static EtcdTemplate etcdTemplate;

    @BeforeAll
    static void connect() {
        etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
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
        EtcdResponse set = etcdTemplate.set(key, "v");
        assertThat(set.node().key()).isEqualTo(key);
        assertThat(etcdTemplate.get(key)).isEqualTo("v");
        if (!name.startsWith("_")) {
            assertThat(etcdTemplate.getTree("esc")).containsEntry(name, "v");
        }
        etcdTemplate.delete(key);
        assertThat(etcdTemplate.get(key)).isNull();
    }

    @ParameterizedTest
    @MethodSource("awkward")
    void valueRoundTrips(String value) {
        etcdTemplate.set("/values/v", value);
        assertThat(etcdTemplate.get("/values/v")).isEqualTo(value);
        assertThat(etcdTemplate.compareAndSet("/values/v", value, value + "2")).isTrue();
        assertThat(etcdTemplate.get("/values/v")).isEqualTo(value + "2");
        assertThat(etcdTemplate.swap("/values/v", (v) -> v + "&" + value)).isEqualTo(value + "2&" + value);
        EtcdResponse deleted = etcdTemplate.delete("/values/v", WriteOptions.defaults().prevValue(value + "2&" + value));
        assertThat(deleted.prevNode().value()).isEqualTo(value + "2&" + value);
    }

    @Test
    void unicodeDirectoryWithUnicodeValueInOrder() {
        EtcdResponse created = etcdTemplate.createInOrder("物理学/a b?", "学生 & co");
        assertThat(created.node().key()).startsWith("/物理学/a b?/");
        assertThat(etcdTemplate.getTree("物理学/a b?")).isEqualTo(Map.of(created.node().name(), "学生 & co"));
    }

    @Test
    void largeValueRoundTrips() {
        String large = "x".repeat(1_000_000) + "&end=1";
        etcdTemplate.set("big", large);
        assertThat(etcdTemplate.get("big")).isEqualTo(large);
    }
}
