// One job: a lock released, or a leadership resigned, by an interrupted thread leaves etcd at once, on both APIs.
package dev.etcdspring.core.lock;

import java.time.Duration;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.election.EtcdLeadership;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Releasing a lock (or resigning a leadership) from a thread whose interrupt status is set, as a {@code finally}
 * block of interrupted work does, deletes its key at once: the request is sent although the thread is interrupted
 * (the socket client refuses to wait for etcd on an interrupted thread), and the interrupt is kept for the caller.
 * Without it the key stays until its time to live runs out, and every waiter waits that long.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class InterruptedReleaseTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final LockOptions LONG_TTL = LockOptions.defaults().ttl(Duration.ofSeconds(60));

    private final EtcdApi api;

    private EtcdTemplate template;

    InterruptedReleaseTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void template() {
        this.template = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
    }

    @AfterEach
    void close() {
        Thread.interrupted();
        this.template.close();
    }

    @Test
    void aLockReleasedByAnInterruptedThreadIsGoneAtOnce() throws Exception {
        EtcdLock lock = this.template.opsForLocks().acquire("interrupted/release", LONG_TTL);
        Thread.currentThread().interrupt();
        lock.release();
        assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        assertThat(this.template.opsForLocks().holder("interrupted/release")).as("the key is gone").isEmpty();
    }

    @Test
    void aLeadershipResignedByAnInterruptedThreadIsGoneAtOnce() throws Exception {
        EtcdLeadership leadership = this.template.opsForElections().campaign("interrupted/resign", "me", LONG_TTL);
        Thread.currentThread().interrupt();
        leadership.resign();
        assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        assertThat(this.template.opsForElections().leader("interrupted/resign")).as("the key is gone").isEmpty();
    }
}
