package dev.etcdspring.core.v3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.kv.KvBytes;

/**
 * How normalised keys map onto v3 keys: the same path as UTF-8 bytes, leading {@code /} included, so that
 * {@code etcdctl get --prefix /cats/} shows what the template wrote; a directory is the prefix {@code dir + "/"}.
 */
final class V3Keys {

    private V3Keys() {
    }

    /** Standard base64 of the UTF-8 bytes, as the gateway's {@code bytes} fields want. */
    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The text of a base64 {@code bytes} field; {@code ""} for an absent one (the gateway omits empty values). */
    static String text(String base64) {
        return (base64 == null) ? "" : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** The prefix every key below a directory starts with: {@code "/a/"} for {@code "/a"}, {@code "/"} for the root. */
    static String dirPrefix(String dir) {
        return dir.equals(EtcdKeys.ROOT) ? EtcdKeys.ROOT : dir + "/";
    }

    /**
     * The end of the range of keys that start with {@code prefix}, base64-encoded: the prefix with its last byte
     * below 0xFF incremented and the rest dropped.
     */
    static String prefixEnd(String prefix) {
        return Base64.getEncoder().encodeToString(KvBytes.prefixEnd(prefix.getBytes(StandardCharsets.UTF_8)));
    }

    /** The directories above a normalised key, outermost first, without the root: {@code /a, /a/b} for {@code /a/b/c}. */
    static List<String> ancestors(String key) {
        List<String> ancestors = new ArrayList<>();
        for (int slash = key.indexOf('/', 1); slash > 0; slash = key.indexOf('/', slash + 1)) {
            ancestors.add(key.substring(0, slash));
        }
        return ancestors;
    }

    /** A name for {@code createInOrder}: the revision, zero-padded to 20 digits like v2's in-order keys. */
    static String inOrderName(long revision) {
        return String.format("%020d", revision);
    }
}
