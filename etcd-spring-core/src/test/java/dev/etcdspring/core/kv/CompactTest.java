package dev.etcdspring.core.kv;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link EtcdKeyValueOperations#compact}: history before the revision is gone for reads at a revision, a second
 * compaction to it is refused as compacted, one to the future is refused as something else.
 */
class CompactTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private EtcdTemplate template;

    private EtcdKeyValueOperations kv;

    @BeforeEach
    void connect() {
        this.template = EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
        this.kv = this.template.opsForKeyValue();
    }

    @AfterEach
    void close() {
        this.template.close();
    }

    @Test
    void readsBeforeTheCompactedRevisionAreRefusedAsCleared() {
        long first = this.kv.put("compact/k", "one").revision();
        long second = this.kv.put("compact/k", "two").revision();
        assertThat(this.kv.get("compact/k", RangeOptions.defaults().revision(first)).first().value()).isEqualTo("one");

        assertThat(this.kv.compact(second, true)).isGreaterThanOrEqualTo(second);

        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.get("compact/k", RangeOptions.defaults().revision(first)))
            .satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(EtcdException.EVENT_INDEX_CLEARED));
        assertThat(this.kv.get("compact/k", RangeOptions.defaults().revision(second)).first().value())
            .isEqualTo("two");
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> this.kv.compact(second, false))
            .satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(EtcdException.EVENT_INDEX_CLEARED));
    }

    @Test
    void aFutureRevisionIsRefusedButNotAsCleared() {
        long now = this.kv.put("compact/future", "x").revision();
        assertThatExceptionOfType(EtcdException.class).isThrownBy(() -> this.kv.compact(now + 1000, false))
            .satisfies((ex) -> {
                assertThat(ex.getErrorCode()).isNotEqualTo(EtcdException.EVENT_INDEX_CLEARED);
                assertThat(ex.getHttpStatus()).isEqualTo(400);
                assertThat(ex.getMessage()).contains("future");
            });
        assertThatExceptionOfType(EtcdException.class)
            .isThrownBy(() -> this.kv.get("compact/future", RangeOptions.defaults().revision(now + 1000)))
            .satisfies((ex) -> assertThat(ex.getErrorCode()).isNotEqualTo(EtcdException.EVENT_INDEX_CLEARED));
    }

    @Test
    void aRevisionBelowOneIsRefusedBeforeAnyRequest() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.compact(0, false)).withMessageContaining("0");
    }
}
