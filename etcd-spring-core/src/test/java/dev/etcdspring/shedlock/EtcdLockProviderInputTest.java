// One job: the provider's local refusals, with no request sent, on both APIs.
package dev.etcdspring.shedlock;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * What the provider refuses before any request, on both APIs, naming the bad argument: the template's endpoint is
 * a socket that counts connections, and none is made.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdLockProviderInputTest {

    private final EtcdApi api;

    private final AtomicInteger connections = new AtomicInteger();

    private ServerSocket listener;

    private EtcdTemplate template;

    EtcdLockProviderInputTest(EtcdApi api) {
        this.api = api;
    }

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
        this.template = EtcdTemplate.builder()
            .endpoints("http://127.0.0.1:" + this.listener.getLocalPort())
            .api(this.api)
            .timeout(Duration.ofSeconds(1))
            .build();
    }

    @AfterEach
    void noRequestWasSent() throws IOException {
        this.template.close();
        this.listener.close();
        assertThat(this.connections).hasValue(0);
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockProvider(null))
            .withMessage("etcd must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockProvider(this.template, null))
            .withMessage("prefix must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockProvider(this.template, "p/", null))
            .withMessage("lockedBy must not be null");
        EtcdLockProvider provider = new EtcdLockProvider(this.template);
        assertThatIllegalArgumentException().isThrownBy(() -> provider.lock(null))
            .withMessage("lockConfiguration must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> provider.key(null)).withMessage("name must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> provider.key("")).withMessage("name must not be empty");
    }

    @Test
    void textThatIsNotUnicodeIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockProvider(this.template, "p\uD800/"))
            .withMessageContaining("prefix");
        assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockProvider(this.template, "p/", "\uDC00"))
            .withMessageContaining("lockedBy");
        EtcdLockProvider provider = new EtcdLockProvider(this.template);
        assertThatIllegalArgumentException().isThrownBy(() -> provider.lock(config("job\uD800")))
            .withMessageContaining("job");
    }

    @Test
    void onV2APrefixThatIsNoPathOrANameThatIsNoSingleKeyIsRefused() {
        for (String prefix : new String[] { "a//", "//a/", "a/./", "../", "a/../b/" }) {
            if (this.api == EtcdApi.V2) {
                assertThatIllegalArgumentException().as(prefix)
                    .isThrownBy(() -> new EtcdLockProvider(this.template, prefix))
                    .withMessageContaining("prefix '" + prefix + "'");
            }
            else {
                // v3 keys are verbatim: any prefix is a key's beginning.
                assertThatNoException().as(prefix).isThrownBy(() -> new EtcdLockProvider(this.template, prefix));
            }
        }
        assertThatNoException().isThrownBy(() -> new EtcdLockProvider(this.template, ""));
        assertThatNoException().isThrownBy(() -> new EtcdLockProvider(this.template, "/shedlock/"));
        if (this.api == EtcdApi.V2) {
            EtcdLockProvider provider = new EtcdLockProvider(this.template);
            for (String name : new String[] { "a/b", "a//b", "a/../b", "./a", "a/", ".", ".." }) {
                assertThatIllegalArgumentException().as(name).isThrownBy(() -> provider.lock(config(name)))
                    .withMessageContaining(name);
            }
        }
    }

    private static LockConfiguration config(String name) {
        return new LockConfiguration(ClockProvider.now(), name, Duration.ofMinutes(1), Duration.ZERO);
    }
}
