// One job: what only the owner of a ShedLock key may do, and the key's layout and time to live, on both APIs.
package dev.etcdspring.shedlock;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * What ShedLock's contract does not check and etcd makes matter, on both APIs against a real etcd: a holder whose
 * lock expired, and was taken by another node, can neither unlock, shorten nor extend the other's lock (the bug of
 * an unguarded write); the key's layout, value and time to live (lockAtMostFor rounded up; lockAtLeastFor's
 * remainder on unlock); and, on v3, that no lease outlives its use.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EtcdApi.class)
class EtcdLockProviderOwnershipTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final EtcdApi api;

    private final String name = "owner-" + UUID.randomUUID();

    private EtcdTemplate nodeA;

    private EtcdTemplate nodeB;

    private EtcdLockProvider providerA;

    private EtcdLockProvider providerB;

    private KeyProbe probe;

    EtcdLockProviderOwnershipTest(EtcdApi api) {
        this.api = api;
    }

    @BeforeEach
    void nodes() {
        this.nodeA = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.nodeB = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(this.api).build();
        this.providerA = new EtcdLockProvider(this.nodeA, EtcdLockProvider.DEFAULT_PREFIX, "node-a");
        this.providerB = new EtcdLockProvider(this.nodeB, EtcdLockProvider.DEFAULT_PREFIX, "node-b");
        this.probe = new KeyProbe(this.nodeA);
    }

    @AfterEach
    void close() {
        this.nodeA.close();
        this.nodeB.close();
    }

    @Test
    void aStaleOwnersUnlockAfterExpiryLeavesTheNewHoldersLockAlone() {
        SimpleLock stale = this.providerA.lock(config(ofSeconds(1), ZERO)).orElseThrow();
        SimpleLock current = await().atMost(ofSeconds(6)).pollInterval(ofMillis(100))
            .until(() -> this.providerB.lock(config(ofMinutes(5), ZERO)), Optional::isPresent)
            .get();
        KeyProbe.Stored held = this.probe.read(key());
        assertThat(held.value()).isEqualTo("node-b");

        stale.unlock();

        KeyProbe.Stored after = this.probe.read(key());
        assertThat(after.token()).isEqualTo(held.token());
        assertThat(after.guard()).isEqualTo(held.guard());
        assertThat(after.value()).isEqualTo("node-b");
        assertThat(this.providerA.lock(config(ofMinutes(5), ZERO))).isEmpty();
        current.unlock();
        assertThat(this.probe.exists(key())).isFalse();
    }

    @Test
    void aStaleOwnersUnlockWithinLockAtLeastForLeavesTheNewHoldersTimeToLiveAlone() {
        SimpleLock stale = this.providerA.lock(config(ofSeconds(30), ofSeconds(20))).orElseThrow();
        lose();
        SimpleLock current = this.providerB.lock(config(ofMinutes(5), ZERO)).orElseThrow();
        KeyProbe.Stored held = this.probe.read(key());

        // Within its lockAtLeastFor the stale holder would give the key 20 s: not the other's key.
        stale.unlock();

        KeyProbe.Stored after = this.probe.read(key());
        assertThat(after.token()).isEqualTo(held.token());
        assertThat(after.guard()).isEqualTo(held.guard());
        assertThat(after.value()).isEqualTo("node-b");
        assertThat(after.ttl()).isGreaterThan(ofMinutes(4));
        current.unlock();
        assertThat(this.probe.exists(key())).isFalse();
    }

    @Test
    void aStaleOwnersExtendReturnsNothingAndLeavesTheNewHoldersLockAlone() {
        SimpleLock stale = this.providerA.lock(config(ofSeconds(30), ZERO)).orElseThrow();
        lose();
        SimpleLock current = this.providerB.lock(config(ofMinutes(5), ZERO)).orElseThrow();
        KeyProbe.Stored held = this.probe.read(key());

        assertThat(stale.extend(ofSeconds(10), ZERO)).isEmpty();

        KeyProbe.Stored after = this.probe.read(key());
        assertThat(after.token()).isEqualTo(held.token());
        assertThat(after.guard()).isEqualTo(held.guard());
        assertThat(after.ttl()).isGreaterThan(ofMinutes(4));
        current.unlock();
    }

    @Test
    void onlyTheOwnerCanExtend() {
        SimpleLock mine = this.providerA.lock(config(ofSeconds(30), ZERO)).orElseThrow();
        long token = this.probe.read(key()).token();
        assertThat(this.providerB.lock(config(ofMinutes(5), ZERO))).isEmpty();

        SimpleLock extended = mine.extend(ofMinutes(2), ZERO).orElseThrow();

        KeyProbe.Stored after = this.probe.read(key());
        assertThat(after.token()).isEqualTo(token);
        assertThat(after.value()).isEqualTo("node-a");
        assertThat(after.ttl()).isGreaterThan(ofSeconds(110)).isLessThanOrEqualTo(ofMinutes(2));
        extended.unlock();
        assertThat(this.providerB.lock(config(ofMinutes(5), ZERO))).isPresent();
    }

    @Test
    void theKeyIsThePrefixAndTheNameAndHoldsWhoLockedIt() {
        EtcdLockProvider provider = new EtcdLockProvider(this.nodeA, "jobs/locks/", "worker-7");
        SimpleLock lock = provider.lock(config(ofMinutes(5), ZERO)).orElseThrow();
        assertThat(provider.key(this.name)).isEqualTo("jobs/locks/" + this.name);
        // Read as each API names it: verbatim on v3 (etcdctl get jobs/locks/<name>), a path on v2.
        assertThat(this.probe.read("jobs/locks/" + this.name).value()).isEqualTo("worker-7");
        assertThat(this.probe.exists(key())).isFalse();
        lock.unlock();
        assertThat(this.probe.exists("jobs/locks/" + this.name)).isFalse();
    }

    @Test
    void theTimeToLiveIsLockAtMostForRoundedUpToWholeSeconds() {
        SimpleLock lock = this.providerA.lock(config(ofMillis(2500), ZERO)).orElseThrow();
        Duration ttl = this.probe.read(key()).ttl();
        if (this.api == EtcdApi.V3) {
            assertThat(ttl).isEqualTo(ofSeconds(3));
        }
        else {
            assertThat(ttl).isGreaterThan(ofSeconds(2)).isLessThanOrEqualTo(ofSeconds(3));
        }
        lock.unlock();
    }

    @Test
    void unlockWithinLockAtLeastForShortensTheTimeToLiveToItsRemainder() {
        SimpleLock lock = this.providerA.lock(config(ofMinutes(5), ofSeconds(5))).orElseThrow();
        KeyProbe.Stored before = this.probe.read(key());

        lock.unlock();

        KeyProbe.Stored after = this.probe.read(key());
        assertThat(after.token()).as("the same key, not a new one").isEqualTo(before.token());
        assertThat(after.ttl()).isPositive().isLessThanOrEqualTo(ofSeconds(5));
        assertThat(this.providerB.lock(config(ofMinutes(5), ZERO))).isEmpty();
        if (this.api == EtcdApi.V3) {
            assertThat(after.ttl()).isEqualTo(ofSeconds(5));
            assertThat(this.nodeA.opsForLeases().timeToLive(before.guard(), false)).as("the old lease, revoked")
                .isNull();
        }
    }

    @Test
    void unlockWithLockAtLeastForEqualToLockAtMostForWritesNothing() {
        SimpleLock lock = this.providerA.lock(config(ofSeconds(30), ofSeconds(30))).orElseThrow();
        KeyProbe.Stored before = this.probe.read(key());
        lock.unlock();
        KeyProbe.Stored after = this.probe.read(key());
        assertThat(after.token()).isEqualTo(before.token());
        assertThat(after.guard()).as("not rewritten").isEqualTo(before.guard());
    }

    @Test
    void onV3NoLeaseOutlivesItsUse() {
        assumeThat(this.api).isEqualTo(EtcdApi.V3);
        Set<Long> before = this.probe.leases();
        SimpleLock lock = this.providerA.lock(config(ofMinutes(5), ZERO)).orElseThrow();
        long first = this.probe.read(key()).guard();
        assertThat(newLeases(before)).containsExactly(first);

        assertThat(this.providerB.lock(config(ofMinutes(5), ZERO))).as("a lost race").isEmpty();
        assertThat(newLeases(before)).as("the loser's lease, revoked").containsExactly(first);

        SimpleLock extended = lock.extend(ofMinutes(5), ofSeconds(30)).orElseThrow();
        long second = this.probe.read(key()).guard();
        assertThat(second).isNotEqualTo(first);
        assertThat(newLeases(before)).as("the extended key's lease only").containsExactly(second);

        extended.unlock();
        long third = this.probe.read(key()).guard();
        assertThat(newLeases(before)).as("lockAtLeastFor's lease only").containsExactly(third);
    }

    private Set<Long> newLeases(Set<Long> before) {
        Set<Long> now = new HashSet<>(this.probe.leases());
        now.removeAll(before);
        return now;
    }

    /** The key goes behind its holder's back (expiry, or a hand with etcdctl): its holder does not know. */
    private void lose() {
        if (this.api == EtcdApi.V3) {
            assertThat(this.nodeA.opsForKeyValue().delete(key()).deleted()).isEqualTo(1);
        }
        else {
            this.nodeA.delete(key());
        }
    }

    private String key() {
        return this.providerA.key(this.name);
    }

    private LockConfiguration config(Duration lockAtMostFor, Duration lockAtLeastFor) {
        return new LockConfiguration(ClockProvider.now(), this.name, lockAtMostFor, lockAtLeastFor);
    }
}
