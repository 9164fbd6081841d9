package dev.etcdspring.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.core.internal.EtcdKeys;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Input the template can reject locally is rejected with a message naming what was wrong, and no request
 * leaves the client: the endpoint here is a socket that counts connections.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class InputValidationTest {

    private final EtcdApi api;

    InputValidationTest(EtcdApi api) {
        this.api = api;
    }

    private ServerSocket listener;

    private final AtomicInteger connections = new AtomicInteger();

    private EtcdTemplate etcdTemplate;

    @BeforeEach
    void listen() throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!this.listener.isClosed()) {
                try (Socket socket = this.listener.accept()) {
                    this.connections.incrementAndGet();
                }
                catch (IOException ex) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        this.etcdTemplate = EtcdTemplate.builder()
            .endpoints("http://127.0.0.1:" + this.listener.getLocalPort())
            .api(this.api)
            .timeout(Duration.ofSeconds(1))
            .build();
    }

    @AfterEach
    void noRequestWasSent() throws IOException {
        this.listener.close();
        assertThat(this.connections).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = { "a//b", "//a", "a/./b", "./a", "a/..", "../etc/passwd", "/a/b//", "a/\uD800b", "\uDC00" })
    void badKeysAreRefusedBeforeAnyRequest(String key) {
        for (ThrowingCallable call : new ThrowingCallable[] { () -> this.etcdTemplate.get(key),
                () -> this.etcdTemplate.getResponse(key), () -> this.etcdTemplate.getTree(key),
                () -> this.etcdTemplate.set(key, "v"), () -> this.etcdTemplate.createInOrder(key, "v"),
                () -> this.etcdTemplate.compareAndSet(key, "a", "b"), () -> this.etcdTemplate.swap(key, (v) -> v),
                () -> this.etcdTemplate.delete(key), () -> this.etcdTemplate.deleteAll(key) }) {
            assertThatIllegalArgumentException().isThrownBy(call).withMessageContaining(key);
        }
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.set("k", null))
            .withMessage("value for key '/k' must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.compareAndSet("k", null, "v"))
            .withMessage("expected must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.compareAndSet("k", "v", null))
            .withMessageContaining("value for key '/k'");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.swap("k", null))
            .withMessage("fn must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.get("k", null))
            .withMessage("options must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.createInOrder("q", null))
            .withMessageContaining("value for key '/q'");
    }

    @Test
    void theRootIsReadOnly() {
        for (String root : new String[] { null, "", "/" }) {
            assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.set(root, "v"))
                .withMessageContaining("root");
            assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.delete(root))
                .withMessageContaining("root");
        }
    }

    @Test
    void valuesThatAreNotUnicodeAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.set("k", "bad\uD800"))
            .withMessageContaining("/k")
            .withMessageContaining("lone surrogate at index 3");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.compareAndSet("k", "\uDFFF", "v"))
            .withMessageContaining("prevValue");
    }

    @Test
    void contradictoryOrMeaninglessOptionsAreRefused() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> WriteOptions.defaults().prevValue("x").prevExist(false))
            .withMessageContaining("prevExist(false)");
        assertThatIllegalArgumentException().isThrownBy(() -> WriteOptions.defaults().ttl(Duration.ofMillis(1500)))
            .withMessageContaining("ttl");
        assertThatIllegalArgumentException().isThrownBy(() -> WriteOptions.defaults().ttl(Duration.ZERO))
            .withMessageContaining("ttl");
        assertThatIllegalArgumentException().isThrownBy(() -> WriteOptions.defaults().prevIndex(0))
            .withMessageContaining("prevIndex");
        assertThatIllegalArgumentException().isThrownBy(() -> ReadOptions.defaults().timeout(Duration.ofSeconds(-1)))
            .withMessageContaining("timeout");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.etcdTemplate.createInOrder("q", "v", WriteOptions.defaults().prevExist(true)))
            .withMessageContaining("createInOrder");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.etcdTemplate.delete("k", WriteOptions.defaults().ttl(Duration.ofSeconds(1))))
            .withMessageContaining("delete");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.compareAndSetIndex("k", 0, "v"))
            .withMessageContaining("modifiedIndex");
    }

    @Test
    void badEndpointsAndSettingsAreRefusedByTheBuilder() {
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().endpoints("localhost:2379"))
            .withMessageContaining("localhost:2379");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().endpoints("ftp://h:1"))
            .withMessageContaining("ftp://h:1");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().endpoints("http://h:1/?x=1"))
            .withMessageContaining("query");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().endpoints(new String[0]))
            .withMessageContaining("at least one");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().timeout(Duration.ZERO))
            .withMessageContaining("timeout");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().swapMaxAttempts(0))
            .withMessageContaining("swapMaxAttempts");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> EtcdTemplate.builder().watchBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .withMessageContaining("watch max backoff");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> EtcdTemplate.builder().swapBackoff(Duration.ZERO, Duration.ofSeconds(1)))
            .withMessageContaining("swap initial backoff");
        assertThatIllegalArgumentException().isThrownBy(() -> WatchOptions.defaults().fromIndex(0))
            .withMessageContaining("fromIndex");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.watch("a//b", WatchOptions.defaults(), (e) -> { }))
            .withMessageContaining("a//b");
        assertThatIllegalArgumentException().isThrownBy(() -> this.etcdTemplate.watch("k", WatchOptions.defaults(), null))
            .withMessageContaining("listener");
        assertThat(EtcdTemplate.builder().endpoints("http://h:1/").build().endpoints()).containsExactly("http://h:1");
    }

    @Test
    void credentialsNeverShow() {
        EtcdTemplate withCredentials = EtcdTemplate.builder().api(this.api).credentials("root", "s3cr3t!").build();
        assertThat(withCredentials.toString()).doesNotContain("s3cr3t!");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().credentials("", "x"))
            .withMessageContaining("username");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdTemplate.builder().credentials("u", null))
            .withMessageContaining("password");
    }

    @Test
    void keysNormalise() {
        assertThat(EtcdKeys.normalize(null, "key")).isEqualTo("/");
        assertThat(EtcdKeys.normalize("", "key")).isEqualTo("/");
        assertThat(EtcdKeys.normalize("/", "key")).isEqualTo("/");
        assertThat(EtcdKeys.normalize("a/b", "key")).isEqualTo("/a/b");
        assertThat(EtcdKeys.normalize("/a/b/", "key")).isEqualTo("/a/b");
        assertThat(EtcdKeys.normalize("a b/😀", "key")).isEqualTo("/a b/😀");
    }
}
