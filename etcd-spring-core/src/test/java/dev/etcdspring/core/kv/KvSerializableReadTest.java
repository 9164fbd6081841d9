package dev.etcdspring.core.kv;

import java.time.Duration;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.ReadConsistency;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.EtcdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Serializable reads of the v3-native API are answered by the member asked alone: on a member of a three-member
 * cluster whose two others are gone, a serializable read (asked for in the options, or the template's read
 * consistency) reads the key, and a linearizable one (the default, or asked for over a serializable template)
 * cannot.
 */
class KvSerializableReadTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.ofSize(3);

    private static EtcdTemplate template(String endpoint, ReadConsistency consistency) {
        return EtcdTemplate.builder().endpoints(endpoint).api(EtcdApi.V3).readConsistency(consistency)
            .timeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void aSerializableReadIsAnsweredByAMemberWithoutQuorumWhereALinearizableOneIsNot() {
        EtcdProcess survivor = etcd.cluster().member(2);
        try (EtcdTemplate linearizable = template(survivor.clientUrl(), ReadConsistency.LINEARIZABLE);
                EtcdTemplate serializable = template(survivor.clientUrl(), ReadConsistency.SERIALIZABLE)) {
            long written = linearizable.opsForKeyValue().put("consistency/key", "kept").revision();
            RangeOptions local = RangeOptions.defaults().serializable(true);
            // Committed on a majority; wait until the survivor applied it, then cut it off.
            await().atMost(Duration.ofSeconds(10)).until(() -> linearizable.opsForKeyValue()
                .get("consistency/key", local).revision() >= written);
            etcd.cluster().member(0).kill();
            etcd.cluster().member(1).kill();

            assertThat(linearizable.opsForKeyValue().get("consistency/key", local).first().value()).isEqualTo("kept");
            assertThat(serializable.opsForKeyValue().get("consistency/key").value()).isEqualTo("kept");
            assertThat(serializable.opsForKeyValue().getPrefix("consistency/").kvs()).hasSize(1);
            assertThatExceptionOfType(EtcdException.class)
                .isThrownBy(() -> linearizable.opsForKeyValue().get("consistency/key"));
            assertThatExceptionOfType(EtcdException.class).as("asked for over a serializable template")
                .isThrownBy(() -> serializable.opsForKeyValue().get("consistency/key",
                        RangeOptions.defaults().serializable(false)));
        }
        // The cluster is the class's and this its only test: the killed members are not restarted.
    }
}
