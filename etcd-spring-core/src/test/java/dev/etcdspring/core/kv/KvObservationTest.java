package dev.etcdspring.core.kv;

import java.time.Duration;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdTransportException;
import dev.etcdspring.core.lease.EtcdLease;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import dev.etcdspring.core.observation.DefaultEtcdObservationConvention;
import dev.etcdspring.core.observation.EtcdObservationContext;
import dev.etcdspring.test.EtcdCluster;
import dev.etcdspring.test.EtcdClusterExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The v3-native operations and the lease operations are observed as the directory API's are: one
 * {@code etcd.client.requests} timer per operation, tagged with {@code etcd.operation} ({@code range},
 * {@code put}, {@code delete-range}, {@code txn}, {@code lease-grant}, {@code keep-alive}, {@code revoke},
 * {@code time-to-live}, {@code leases}), the API, the outcome and etcd's error code; failures carry the same outcome
 * and code as the directory API's, and the key is never a tag.
 */
class KvObservationTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final MeterRegistry meters = new SimpleMeterRegistry();

    private final RawEtcd raw = new RawEtcd(etcd.endpoint());

    private EtcdTemplate etcdTemplate;

    private EtcdKeyValueOperations kv;

    private EtcdLeaseOperations leases;

    private static ObservationRegistry timing(MeterRegistry meters) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        return registry;
    }

    @BeforeEach
    void connect() {
        this.raw.deleteAll();
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3)
            .observationRegistry(timing(this.meters)).build();
        this.kv = this.etcdTemplate.opsForKeyValue();
        this.leases = this.etcdTemplate.opsForLeases();
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    private long count(String operation, String outcome, String errorCode) {
        Timer timer = this.meters.find(DefaultEtcdObservationConvention.NAME)
            .tag("etcd.operation", operation)
            .tag("outcome", outcome)
            .tag("etcd.error.code", errorCode)
            .tag("etcd.api", "v3")
            .timer();
        return (timer != null) ? timer.count() : 0;
    }

    @Test
    void eachKeyValueOperationIsOneTimerTaggedWithItsName() {
        this.kv.put("obs/a", "1");
        this.kv.put("obs/b", "2", PutOptions.defaults().prevKv(true));
        this.kv.get("obs/a");
        this.kv.getPrefix("obs/");
        this.kv.get("obs/missing");
        this.kv.delete("obs/a");
        this.kv.deletePrefix("obs/");
        this.kv.txn().when(Compare.version("obs/c").isEqualTo(0)).then(Op.put("obs/c", "3")).commit();
        this.kv.txn().when(Compare.version("obs/c").isEqualTo(0)).then(Op.put("obs/c", "4")).commit();
        assertThat(this.kv.scan("obs/", 1000).count()).isEqualTo(1);

        assertThat(count("put", "SUCCESS", "none")).isEqualTo(2);
        assertThat(count("range", "SUCCESS", "none")).as("get, getPrefix, a missing key, a scan's page").isEqualTo(4);
        assertThat(count("delete-range", "SUCCESS", "none")).isEqualTo(2);
        assertThat(count("txn", "SUCCESS", "none")).as("a failed comparison is an answer").isEqualTo(2);
        assertThat(this.meters.find(DefaultEtcdObservationConvention.NAME).timers())
            .allSatisfy((t) -> assertThat(t.getId().getTag("etcd.key")).isNull())
            .allSatisfy((t) -> assertThat(t.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive());
    }

    @Test
    void eachLeaseOperationIsOneTimerTaggedWithItsName() {
        long id = this.leases.grant(Duration.ofSeconds(60)).id();
        this.leases.keepAliveOnce(id);
        this.leases.timeToLive(id, true);
        this.leases.list();
        assertThat(this.leases.revoke(id)).isTrue();
        EtcdLease kept = this.leases.grantAndKeepAlive(Duration.ofSeconds(60));
        kept.close();

        assertThat(count("lease-grant", "SUCCESS", "none")).isEqualTo(2);
        assertThat(count("keep-alive", "SUCCESS", "none")).isGreaterThanOrEqualTo(1);
        assertThat(count("time-to-live", "SUCCESS", "none")).isEqualTo(1);
        assertThat(count("leases", "SUCCESS", "none")).isEqualTo(1);
        assertThat(count("revoke", "SUCCESS", "none")).as("revoke, and the close of a kept-alive lease").isEqualTo(2);
    }

    @Test
    void etcdsRefusalsCarryTheOutcomeAndCodeTheDirectoryApisDo() {
        assertThatExceptionOfType(EtcdKeyNotFoundException.class)
            .isThrownBy(() -> this.kv.put("obs/k", "v", PutOptions.defaults().lease(0x7eadbeefL)));
        assertThat(count("put", "ETCD_ERROR", "100")).as("an unknown lease").isEqualTo(1);

        long old = this.kv.put("obs/k", "1").revision();
        this.raw.compact(this.kv.put("obs/k", "2").revision());
        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.get("obs/k", RangeOptions.defaults().revision(old)));
        assertThat(count("range", "ETCD_ERROR", "401")).as("a compacted revision").isEqualTo(1);

        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.txn().then(Op.put("obs/d", "1"), Op.put("obs/d", "2")).commit());
        assertThat(count("txn", "ETCD_ERROR", "none")).as("two puts of one key").isEqualTo(1);
    }

    @Test
    void aLeaseEtcdDoesNotKnowCarriesKeyNotFound() {
        assertThat(this.leases.revoke(0x7eadbeefL)).isFalse();
        assertThat(count("revoke", "SUCCESS", "100")).as("a revoke that returned false, as a cas that did").isEqualTo(1);

        assertThatExceptionOfType(EtcdKeyNotFoundException.class).isThrownBy(() -> this.leases.keepAliveOnce(0x7eadbeefL));
        assertThat(count("keep-alive", "ETCD_ERROR", "100")).as("a renewal of a lease that is gone").isEqualTo(1);
        assertThat(count("keep-alive", "SUCCESS", "none")).isZero();

        assertThat(this.leases.timeToLive(0x7eadbeefL, false)).isNull();
        assertThat(count("time-to-live", "SUCCESS", "100")).as("a lease that does not exist").isEqualTo(1);
    }

    @Test
    void argumentsRefusedBeforeAnyRequestAreClientErrors() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.put("", "v"));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.get(new byte[0], RangeOptions.defaults()));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.delete("k", null));
        assertThatIllegalArgumentException().isThrownBy(() -> this.leases.grant(Duration.ofMillis(1500)));
        assertThat(count("put", "CLIENT_ERROR", "none")).isEqualTo(1);
        assertThat(count("range", "CLIENT_ERROR", "none")).isEqualTo(1);
        assertThat(count("delete-range", "CLIENT_ERROR", "none")).isEqualTo(1);
        assertThat(count("lease-grant", "CLIENT_ERROR", "none")).isEqualTo(1);
    }

    @Test
    void anEndpointThatDoesNotAnswerIsATransportError() {
        try (EtcdTemplate nowhere = EtcdTemplate.builder().endpoints("http://127.0.0.1:" + EtcdCluster.freePort())
            .api(EtcdApi.V3).timeout(Duration.ofSeconds(2)).observationRegistry(timing(this.meters)).build()) {
            assertThatExceptionOfType(EtcdTransportException.class)
                .isThrownBy(() -> nowhere.opsForKeyValue().put("obs/k", "v"))
                .satisfies((e) -> assertThat(e.isOutcomeUnknown()).as("never sent").isFalse());
            assertThatExceptionOfType(EtcdTransportException.class)
                .isThrownBy(() -> nowhere.opsForKeyValue().txn().then(Op.put("obs/k", "v")).commit());
        }
        assertThat(count("put", "TRANSPORT_ERROR", "none")).isEqualTo(1);
        assertThat(count("txn", "TRANSPORT_ERROR", "none")).isEqualTo(1);
    }

    @Test
    void theKeyIsAHighCardinalityValueShownAsTheKeyIs() {
        java.util.List<EtcdObservationContext> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<EtcdObservationContext>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof EtcdObservationContext;
            }

            @Override
            public void onStop(EtcdObservationContext context) {
                contexts.add(context);
            }
        });
        try (EtcdTemplate observed = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3)
            .observationRegistry(observations).build()) {
            observed.opsForKeyValue().put(new byte[] { 'o', 0x00, (byte) 0xFF }, new byte[0], PutOptions.defaults());
        }
        assertThat(contexts).singleElement().satisfies((context) -> {
            assertThat(context.getName()).isEqualTo("etcd.client.requests");
            assertThat(context.getContextualName()).isEqualTo("etcd put");
            assertThat(context.getLowCardinalityKeyValues()).extracting(KeyValue::getKey)
                .contains("etcd.operation", "outcome").doesNotContain("etcd.key");
            assertThat(context.getLowCardinalityKeyValue("etcd.operation").getValue()).isEqualTo("put");
            assertThat(context.getHighCardinalityKeyValue("etcd.key").getValue()).isEqualTo("\"o\\x00\\xff\"");
        });
    }
}
