package dev.etcdspring.core.lease;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A renewal on a member that has lost its quorum, against a real three-member etcd: the gateway answers the
 * keep-alive stream's failure wrapped as {@code {"error":{"grpc_code":14,"http_code":503,...}}}, which is etcd's
 * "no leader", not a lease that is gone and not an answer from something that is not etcd.
 */
class LeaseWithoutQuorumTest {

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    @Test
    void aRenewalWithoutQuorumFailsWithEtcdsNoLeaderNotAsALostLease() {
        String survivor = this.etcd.cluster().member(0).clientUrl();
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(survivor).build()) {
            EtcdLeaseOperations leases = etcdTemplate.opsForLeases();
            LeaseGrant grant = leases.grant(Duration.ofSeconds(60));
            assertThat(leases.keepAliveOnce(grant.id())).isEqualTo(Duration.ofSeconds(60));
            this.etcd.cluster().member(1).kill();
            this.etcd.cluster().member(2).kill();

            // A leader that lost its quorum renews for a moment longer, until it steps down.
            AtomicReference<EtcdException> failure = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    leases.keepAliveOnce(grant.id());
                    return false;
                }
                catch (EtcdException ex) {
                    failure.set(ex);
                    return true;
                }
            });
            assertThat(failure.get()).isNotInstanceOf(EtcdKeyNotFoundException.class);
            assertThat(failure.get().getErrorCode()).as(failure.get().getMessage())
                .isEqualTo(EtcdException.RAFT_INTERNAL);
            assertThat(failure.get().getHttpStatus()).isEqualTo(503);
            assertThat(failure.get().getEtcdCause()).contains("gRPC 14");
            assertThat(failure.get().getEtcdMessage()).contains("no leader");
            assertThat(failure.get().getMessage()).doesNotContain("is not etcd");
        }
    }
}
