package dev.etcdspring.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.etcdspring.test.EtcdCluster;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Property-based (jqwik): random keys and values, full Unicode (lone surrogates, control characters, NUL, emoji)
 * and the characters that mean something in a URL, a form or a path ({@code / . .. % ? # & = + ~ _} and spaces),
 * either round-trip exactly on both APIs of a real etcd, or are refused before any request with an
 * {@link IllegalArgumentException} that names the key. Which of the two is decided by an oracle written from the
 * rules, not by what the client happens to do: a key is refused exactly when it has an empty, {@code .} or
 * {@code ..} segment or a lone surrogate, a value exactly when it has a lone surrogate.
 */
class HostileInputTest {

    private static final List<String> SPECIAL = List.of("", ".", "..", "...", "%", "%2F", "%00", "a b", "?x=1", "#f",
            "a&b=c", "+", "~", "_hidden", "ü", "物", "😀", "\u0000", "\n", "\r\n", "\t", "\\", "\"", "'", "<>",
            "\uD800", "\uDC00x", "e\u0301", "\u202E", "\uFEFF");

    private static EtcdCluster etcd;

    private static List<EtcdTemplate> templates;

    private static final AtomicLong tries = new AtomicLong();

    /** Requests sent, counted by an interceptor: a refusal must not send one. */
    private static final AtomicLong requests = new AtomicLong();

    @BeforeContainer
    static void start() {
        etcd = EtcdCluster.start(1);
        templates = List.of(counted(EtcdApi.V2), counted(EtcdApi.V3));
    }

    private static EtcdTemplate counted(EtcdApi api) {
        return EtcdTemplate.builder()
            .endpoints(etcd.endpoint())
            .api(api)
            .restClientBuilder(RestClient.builder().requestInterceptor((request, body, execution) -> {
                requests.incrementAndGet();
                return execution.execute(request, body);
            }))
            .build();
    }

    @AfterContainer
    static void stop() {
        templates.forEach(EtcdTemplate::close);
        etcd.close();
    }

    @Property(tries = 300)
    void keysAndValuesRoundTripOrAreRefusedLocally(@ForAll("keys") String key, @ForAll("values") String value) {
        String full = "/hostile/" + tries.incrementAndGet() + (key.startsWith("/") ? key : "/" + key);
        boolean keyInvalid = hasBadSegment(full) || hasLoneSurrogate(full);
        boolean valueInvalid = hasLoneSurrogate(value);
        Statistics.collect(keyInvalid ? "key refused" : valueInvalid ? "value refused" : "round trip");
        for (EtcdTemplate template : templates) {
            long sent = requests.get();
            if (keyInvalid) {
                assertThatIllegalArgumentException().as(template.api() + " refuses %s", escaped(full))
                    .isThrownBy(() -> template.set(full, value))
                    .withMessageContaining(full);
                assertThat(requests.get()).as("no request sent").isEqualTo(sent);
            }
            else if (valueInvalid) {
                assertThatIllegalArgumentException().as(template.api() + " refuses the value")
                    .isThrownBy(() -> template.set(full, value))
                    .withMessageContaining(full.endsWith("/") ? full.substring(0, full.length() - 1) : full);
                assertThat(requests.get()).as("no request sent").isEqualTo(sent);
                assertThat(template.get(full)).as("nothing was written").isNull();
            }
            else {
                template.set(full, value);
                assertThat(template.get(full)).as(template.api() + " reads back %s", escaped(full)).isEqualTo(value);
                assertThat(template.delete(full).prevNode().value()).isEqualTo(value);
                assertThat(template.get(full)).isNull();
            }
        }
        // Each outcome must come up often enough for the property to mean something.
        Statistics.coverage((coverage) -> {
            coverage.check("round trip").percentage((p) -> p > 30);
            coverage.check("key refused").percentage((p) -> p > 5);
            coverage.check("value refused").percentage((p) -> p > 1);
        });
    }

    @Provide
    Arbitrary<String> keys() {
        Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of(SPECIAL),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(6),
                Arbitraries.strings().alpha().numeric().withChars("-._~%?#&=+ ").ofMinLength(1).ofMaxLength(8));
        return segment.list().ofMinSize(1).ofMaxSize(4).map((segments) -> String.join("/", segments))
            .flatMap((path) -> Arbitraries.of(path, "/" + path, path + "/"));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(Arbitraries.of(SPECIAL), Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars("%&=+?#/ \u0000\n").ofMaxLength(50));
    }

    /** An empty, {@code .} or {@code ..} segment, once the one optional trailing {@code /} is dropped. */
    private static boolean hasBadSegment(String key) {
        String path = key.substring(1);
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            }
            else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach((c) -> out.append((c < 0x20 || c > 0x7E) ? String.format("\\u{%x}", c)
                : String.valueOf((char) c)));
        return out.toString();
    }
}
