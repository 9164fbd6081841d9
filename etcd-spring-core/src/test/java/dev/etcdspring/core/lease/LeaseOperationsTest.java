package dev.etcdspring.core.lease;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNodeExistsException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.kv.PutOptions;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The lease operations one request at a time, against a real etcd (3.4): grant (etcd's id or a chosen one, etcd's
 * minimum time to live, a taken id), one renewal, revoke, time to live with the attached keys, the list; and what
 * is refused before any request is sent, or on a v2 template.
 */
class LeaseOperationsTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private EtcdTemplate template;

    private EtcdLeaseOperations leases;

    private EtcdKeyValueOperations kv;

    @BeforeEach
    void template() {
        this.template = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        this.leases = this.template.opsForLeases();
        this.kv = this.template.opsForKeyValue();
    }

    @AfterEach
    void close() {
        this.template.close();
    }

    @Test
    void grantLetsEtcdChooseTheIdAndSaysWhatItGranted() {
        long before = this.kv.put("lease-ops/before", "x").revision();
        LeaseGrant first = this.leases.grant(Duration.ofSeconds(30));
        LeaseGrant second = this.leases.grant(Duration.ofSeconds(30));
        assertThat(first.id()).isPositive();
        assertThat(second.id()).isPositive().isNotEqualTo(first.id());
        assertThat(first.ttl()).isEqualTo(Duration.ofSeconds(30));
        // A grant writes no key: the keyspace's revision is the one the put made.
        assertThat(first.revision()).isEqualTo(before);
        LeaseTimeToLive ttl = this.leases.timeToLive(first.id(), false);
        assertThat(ttl).isNotNull();
        assertThat(ttl.id()).isEqualTo(first.id());
        assertThat(ttl.grantedTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ttl.ttl()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(ttl.keys()).isEmpty();
        assertThat(ttl.revision()).isEqualTo(before);
    }

    @Test
    void aTimeToLiveBelowEtcdsMinimumIsGrantedAsTheMinimumAndTheGrantSaysSo() {
        LeaseGrant grant = this.leases.grant(Duration.ofSeconds(1));
        assertThat(grant.ttl()).as("etcd's minimum time to live").isEqualTo(Duration.ofSeconds(2));
        assertThat(this.leases.timeToLive(grant.id(), false).grantedTtl()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aChosenIdIsGrantedOnceAndAgainIsNodeExists() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        LeaseGrant grant = this.leases.grant(Duration.ofSeconds(30), id);
        assertThat(grant.id()).isEqualTo(id);
        assertThat(grant.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(this.leases.list()).contains(id);
        assertThatExceptionOfType(EtcdNodeExistsException.class)
            .isThrownBy(() -> this.leases.grant(Duration.ofSeconds(5), id))
            .satisfies((ex) -> {
                assertThat(ex.getErrorCode()).isEqualTo(EtcdException.NODE_EXISTS);
                assertThat(ex.getHttpStatus()).isEqualTo(412);
                assertThat(ex.getEtcdCause()).contains("gRPC 9");
                assertThat(ex.getEtcdMessage()).contains("lease already exists");
            });
        assertThat(this.leases.timeToLive(id, false).grantedTtl()).as("the first grant stands")
            .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badTimesToLiveAndIdsAreRefusedBeforeAnyRequest() {
        try (TcpProxy proxy = TcpProxy.to(etcd.endpoint());
                EtcdTemplate counted = EtcdTemplate.builder().endpoints(proxy.url()).build()) {
            EtcdLeaseOperations refusing = counted.opsForLeases();
            for (Duration bad : new Duration[] { Duration.ofMillis(1500), Duration.ofMillis(500), Duration.ZERO,
                    Duration.ofSeconds(-5), Duration.ofSeconds(3).plusNanos(1), null }) {
                assertThatIllegalArgumentException().as("ttl %s", bad).isThrownBy(() -> refusing.grant(bad))
                    .withMessageContaining("whole seconds");
                assertThatIllegalArgumentException().isThrownBy(() -> refusing.grant(bad, 42));
                assertThatIllegalArgumentException().isThrownBy(() -> refusing.grantAndKeepAlive(bad));
            }
            assertThatIllegalArgumentException().isThrownBy(() -> refusing.grant(Duration.ofSeconds(5), 0))
                .withMessageContaining("positive");
            assertThatIllegalArgumentException().isThrownBy(() -> refusing.grant(Duration.ofSeconds(5), -7));
            assertThatIllegalArgumentException().isThrownBy(() -> refusing.keepAlive((LeaseGrant) null));
            assertThat(proxy.connections()).as("nothing was sent").isZero();
            // The same template does reach etcd: the refusals were its own.
            assertThat(refusing.grant(Duration.ofSeconds(5)).id()).isPositive();
            assertThat(proxy.connections()).isPositive();
        }
    }

    @Test
    void keepAliveOnceRenewsTheLeaseToItsGrantedTimeToLive() {
        LeaseGrant grant = this.leases.grant(Duration.ofSeconds(10));
        // Let etcd's count go down by a whole second at least, so that the renewal is seen to move it back up.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> this.leases.timeToLive(grant.id(), false).ttl().compareTo(Duration.ofSeconds(8)) <= 0);
        assertThat(this.leases.keepAliveOnce(grant.id())).isEqualTo(Duration.ofSeconds(10));
        LeaseTimeToLive renewed = this.leases.timeToLive(grant.id(), false);
        // etcd shows whole seconds, rounded down: just after the renewal, 9 or 10.
        assertThat(renewed.ttl()).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
        assertThat(renewed.grantedTtl()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void keepAliveOnceOfAnUnknownLeaseIsKeyNotFound() {
        long unknown = unknownLease();
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.leases.keepAliveOnce(unknown))
            .satisfies((ex) -> {
                assertThat(ex.getErrorCode()).isEqualTo(EtcdException.KEY_NOT_FOUND);
                assertThat(ex.getMessage()).contains(Long.toHexString(unknown));
            });
        LeaseGrant revoked = this.leases.grant(Duration.ofSeconds(30));
        assertThat(this.leases.revoke(revoked.id())).isTrue();
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.leases.keepAliveOnce(revoked.id()));
    }

    @Test
    void revokeDeletesTheAttachedKeysAndIsFalseTheSecondTime() {
        LeaseGrant grant = this.leases.grant(Duration.ofSeconds(30));
        this.kv.put("lease-ops/revoked/a", "1", PutOptions.defaults().lease(grant.id()));
        this.kv.put("lease-ops/revoked/b", "2", PutOptions.defaults().lease(grant.id()));
        this.kv.put("lease-ops/revoked/kept", "3");
        assertThat(this.kv.get("lease-ops/revoked/a").lease()).isEqualTo(grant.id());
        assertThat(this.leases.list()).contains(grant.id());

        assertThat(this.leases.revoke(grant.id())).isTrue();
        assertThat(this.kv.get("lease-ops/revoked/a")).isNull();
        assertThat(this.kv.get("lease-ops/revoked/b")).isNull();
        assertThat(this.kv.get("lease-ops/revoked/kept").value()).as("a key of no lease stays").isEqualTo("3");
        assertThat(this.leases.timeToLive(grant.id(), true)).isNull();
        assertThat(this.leases.list()).doesNotContain(grant.id());
        assertThat(this.leases.revoke(grant.id())).as("etcd no longer knows it").isFalse();
    }

    @Test
    void timeToLiveWithKeysListsTheAttachedKeysAsTextAndBytes() {
        LeaseGrant grant = this.leases.grant(Duration.ofSeconds(30));
        byte[] binary = { 'l', 'e', 'a', 's', 'e', '/', (byte) 0xff, 0 };
        this.kv.put("lease-ops/keys/one", "1", PutOptions.defaults().lease(grant.id()));
        this.kv.put("lease-ops/keys/two", "2", PutOptions.defaults().lease(grant.id()));
        this.kv.put("lease-ops/keys/none", "3");

        LeaseTimeToLive withKeys = this.leases.timeToLive(grant.id(), true);
        assertThat(withKeys.keyNames()).containsExactlyInAnyOrder("lease-ops/keys/one", "lease-ops/keys/two");
        assertThat(withKeys.keys()).extracting((key) -> new String(key, StandardCharsets.UTF_8))
            .containsExactlyInAnyOrder("lease-ops/keys/one", "lease-ops/keys/two");
        assertThat(this.leases.timeToLive(grant.id(), false).keys()).as("not asked for").isEmpty();

        // Keys that are not UTF-8 come as their bytes; keyNames() says it cannot show them as text.
        this.kv.put(binary, "4".getBytes(StandardCharsets.UTF_8), PutOptions.defaults().lease(grant.id()));
        LeaseTimeToLive binaryKeys = this.leases.timeToLive(grant.id(), true);
        assertThat(binaryKeys.keys()).anySatisfy((key) -> assertThat(key).isEqualTo(binary));
        assertThat(binaryKeys.keys()).hasSize(3);
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(binaryKeys::keyNames);
        // The record hands out copies: what a caller does with them changes nothing.
        binaryKeys.keys().get(0)[0] = 'X';
        assertThat(binaryKeys.keys()).noneSatisfy((key) -> assertThat(key[0]).isEqualTo((byte) 'X'));
    }

    @Test
    void timeToLiveOfAnUnknownOrExpiredLeaseIsNull() {
        assertThat(this.leases.timeToLive(unknownLease(), false)).isNull();
        assertThat(this.leases.timeToLive(unknownLease(), true)).isNull();
        LeaseGrant shortLived = this.leases.grant(Duration.ofSeconds(2));
        this.kv.put("lease-ops/expiring", "x", PutOptions.defaults().lease(shortLived.id()));
        assertThat(this.leases.timeToLive(shortLived.id(), true)).isNotNull();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
            .until(() -> this.leases.timeToLive(shortLived.id(), true) == null);
        assertThat(this.kv.get("lease-ops/expiring")).as("expiry deletes the lease's keys").isNull();
        assertThat(this.leases.list()).doesNotContain(shortLived.id());
        assertThat(this.leases.revoke(shortLived.id())).isFalse();
    }

    @Test
    void listHasTheGrantedLeasesAndNotTheRevokedOnes() {
        LeaseGrant a = this.leases.grant(Duration.ofSeconds(30));
        LeaseGrant b = this.leases.grant(Duration.ofSeconds(30));
        LeaseGrant c = this.leases.grant(Duration.ofSeconds(30));
        assertThat(this.leases.list()).contains(a.id(), b.id(), c.id());
        this.leases.revoke(b.id());
        assertThat(this.leases.list()).contains(a.id(), c.id()).doesNotContain(b.id());
    }

    @Test
    void aV2TemplateHasNoLeasesAndSaysWhichApiItSpeaks() {
        try (EtcdTemplate v2 = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V2).build()) {
            assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(v2::opsForLeases)
                .withMessageContaining("opsForLeases()")
                .withMessageContaining("v3 API")
                .withMessageContaining("EtcdApi.V2")
                .withMessageContaining("api(EtcdApi.V3)");
        }
    }

    /** An id etcd has not granted (its own ids are large; a random one below 2^40 is not among them here). */
    private long unknownLease() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        }
        while (this.leases.list().contains(id));
        return id;
    }
}
