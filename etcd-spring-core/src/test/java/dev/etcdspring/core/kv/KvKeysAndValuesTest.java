package dev.etcdspring.core.kv;

import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The v3-native API takes and returns keys and values verbatim, as etcd holds them and as an independent reader
 * (a plain HTTP client on the gateway) sees them: nothing added, nothing rewritten, nothing refused that etcd
 * accepts; text that cannot be UTF-8 as it is is refused before any request, and bytes that are not UTF-8 are never
 * replaced when read as text.
 */
class KvKeysAndValuesTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    /** Bytes that are not UTF-8: a lone continuation byte, 0xFF, and a truncated sequence, around a NUL. */
    private static final byte[] NOT_UTF8 = { (byte) 0x80, 0x00, (byte) 0xFF, (byte) 0xC3 };

    private final RawEtcd raw = new RawEtcd(etcd.endpoint());

    private EtcdTemplate etcdTemplate;

    private EtcdKeyValueOperations kv;

    @BeforeEach
    void connect() {
        this.raw.deleteAll();
        this.etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).api(EtcdApi.V3).build();
        this.kv = this.etcdTemplate.opsForKeyValue();
    }

    @AfterEach
    void close() {
        this.etcdTemplate.close();
    }

    private List<String> allKeys() {
        return this.raw.allKeys().stream().map((k) -> new String(k, java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    @Test
    void fooSlashFooAndDoubleSlashFooAreThreeKeys() {
        this.kv.put("foo", "1");
        this.kv.put("/foo", "2");
        this.kv.put("//foo", "3");

        assertThat(allKeys()).containsExactly("//foo", "/foo", "foo");
        assertThat(this.kv.get("foo").value()).isEqualTo("1");
        assertThat(this.kv.get("/foo").value()).isEqualTo("2");
        assertThat(this.kv.get("//foo").value()).isEqualTo("3");
        assertThat(this.kv.get("foo").key()).isEqualTo("foo");
    }

    @Test
    void aKeyWrittenByAnotherClientIsReadAsItIs() {
        this.raw.put("written/elsewhere", "raw");
        KeyValue read = this.kv.get("written/elsewhere");
        assertThat(read.key()).isEqualTo("written/elsewhere");
        assertThat(read.value()).isEqualTo("raw");
    }

    @Test
    void binaryKeysAndValuesRoundTripExactly() {
        byte[] key = { 'b', 0x00, (byte) 0xFF, (byte) 0x80, 0x01 };
        byte[] value = { 0x00, (byte) 0xFF, (byte) 0xFE, (byte) 0xC0, (byte) 0x80, 0x7F };
        this.kv.put(key, value, PutOptions.defaults());

        assertThat(this.raw.allKeys()).containsExactly(key);
        assertThat(this.raw.value(key)).isEqualTo(value);
        KeyValue read = this.kv.get(key);
        assertThat(read.keyBytes()).isEqualTo(key);
        assertThat(read.valueBytes()).isEqualTo(value);
    }

    @Test
    void everyByteValueRoundTripsInKeyAndValue() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        byte[] key = java.util.Arrays.copyOfRange(all, 1, 256);
        this.kv.put(key, all, PutOptions.defaults());
        assertThat(this.raw.value(key)).isEqualTo(all);
        assertThat(this.kv.get(key).valueBytes()).isEqualTo(all);
    }

    @Test
    void textOfAValueThatIsNotUtf8ThrowsNamingTheKeyRatherThanReplacing() {
        this.kv.put(RawEtcd.utf8("bin/value"), NOT_UTF8, PutOptions.defaults());
        KeyValue read = this.kv.get("bin/value");
        assertThat(read.valueBytes()).isEqualTo(NOT_UTF8);
        assertThatIllegalStateException().isThrownBy(read::value)
            .withMessageContaining("bin/value")
            .withMessageContaining("not valid UTF-8");
    }

    @Test
    void textOfAKeyThatIsNotUtf8ThrowsShowingItsBytes() {
        byte[] key = { 'k', (byte) 0xFF };
        this.kv.put(key, RawEtcd.utf8("v"), PutOptions.defaults());
        KeyValue read = this.kv.get(key);
        assertThat(read.value()).isEqualTo("v");
        assertThatIllegalStateException().isThrownBy(read::key).withMessageContaining("\\xff");
    }

    @Test
    void theMessageOfAValueThatIsNotUtf8DoesNotShowTheValue() {
        byte[] secret = { 's', 'e', 'c', 'r', 'e', 't', (byte) 0xFF };
        this.kv.put(RawEtcd.utf8("bin/secret"), secret, PutOptions.defaults());
        KeyValue read = this.kv.get("bin/secret");
        assertThatIllegalStateException().isThrownBy(read::value)
            .withMessageContaining("bin/secret")
            .withMessageNotContaining("secret\\xff");
        assertThat(read.toString()).doesNotContain("secret\\xff");
    }

    @Test
    void aLoneSurrogateIsRefusedBeforeAnyRequest() {
        long before = this.raw.revision();
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.put("lone\uD800", "v"))
            .withMessageContaining("surrogate");
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.put("k", "lone\uDC00"))
            .withMessageContaining("surrogate");
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.get("lone\uD800"));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.delete("lone\uD800"));
        assertThat(this.raw.revision()).as("nothing written").isEqualTo(before);
        assertThat(this.raw.allKeys()).isEmpty();
    }

    @Test
    void aSurrogatePairIsValidTextAndRoundTrips() {
        this.kv.put("emoji/😀", "😀 value");
        assertThat(allKeys()).containsExactly("emoji/😀");
        assertThat(this.kv.get("emoji/😀").value()).isEqualTo("😀 value");
    }

    @Test
    void anEmptyKeyIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.put("", "v")).withMessageContaining("empty");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.kv.put(new byte[0], RawEtcd.utf8("v"), PutOptions.defaults()));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.get(""));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.delete(""));
        assertThatIllegalArgumentException().isThrownBy(() -> Op.put("", "v"));
        assertThatIllegalArgumentException().isThrownBy(() -> Compare.version("").isEqualTo(0));
        assertThatIllegalArgumentException().isThrownBy(() -> Compare.value("").isEqualTo("v"));
        assertThat(this.raw.allKeys()).isEmpty();
    }

    @Test
    void nullKeysAndValuesAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.put((String) null, "v"));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.put("k", null));
        assertThatIllegalArgumentException().isThrownBy(() -> this.kv.get((byte[]) null));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.kv.put(RawEtcd.utf8("k"), null, PutOptions.defaults()));
    }

    @Test
    void anEmptyValueIsAllowedAndReadBackEmpty() {
        this.kv.put("empty", "");
        assertThat(this.raw.allKeys()).containsExactly(RawEtcd.utf8("empty"));
        KeyValue read = this.kv.get("empty");
        assertThat(read).isNotNull();
        assertThat(read.value()).isEmpty();
        assertThat(read.valueBytes()).isEmpty();
        assertThat(read.version()).isEqualTo(1);
    }

    @Test
    void aKeyMayHoldAValueAndBeThePrefixOfOthers() {
        this.kv.put("shop", "the shop");
        this.kv.put("shop/server/port", "8080");
        this.kv.put("shopping", "list");

        assertThat(this.kv.get("shop").value()).isEqualTo("the shop");
        assertThat(this.kv.get("shop/server/port").value()).isEqualTo("8080");
        assertThat(this.kv.getPrefix("shop").kvs()).extracting(KeyValue::key)
            .containsExactly("shop", "shop/server/port", "shopping");
        assertThat(this.kv.getPrefix("shop/").kvs()).extracting(KeyValue::key).containsExactly("shop/server/port");
        assertThat(allKeys()).containsExactly("shop", "shop/server/port", "shopping");
    }

    @Test
    void aPrefixOfBytes0xFFReachesTheEndOfTheKeyspace() {
        byte[] ff = { (byte) 0xFF };
        byte[] ffChild = { (byte) 0xFF, (byte) 0xFF, 'x' };
        this.kv.put(ff, RawEtcd.utf8("1"), PutOptions.defaults());
        this.kv.put(ffChild, RawEtcd.utf8("2"), PutOptions.defaults());
        this.kv.put("a", "other");
        assertThat(this.kv.get(ff, RangeOptions.prefix()).kvs()).extracting(KeyValue::keyBytes)
            .containsExactly(ff, ffChild);
    }

    @Test
    void keysAndValuesThatLookLikePathsOrEscapesAreNotRewritten() {
        List<String> keys = List.of("a/../b", "./x", "a//b/", "%2F", "a b", "?q=1#f", "\\back", "tab\t");
        for (String key : keys) {
            this.kv.put(key, key + "=value");
        }
        assertThat(allKeys()).containsExactlyInAnyOrderElementsOf(keys);
        for (String key : keys) {
            assertThat(this.kv.get(key).value()).isEqualTo(key + "=value");
        }
    }
}
