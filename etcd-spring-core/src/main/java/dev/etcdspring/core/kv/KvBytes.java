// One job: the byte rules of the v3-native API: String keys and values as strict UTF-8 (nothing replaced), copies
// in and out, the end of a prefix's range, and a key shown readably in messages.
package dev.etcdspring.core.kv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Conversions between the caller's keys and values and the bytes etcd holds. A {@code String} is encoded as
 * UTF-8 and decoded strictly: a lone surrogate, or bytes that are not UTF-8, are refused rather than replaced, so
 * that no key or value is ever rewritten on the way.
 */
public final class KvBytes {

    private KvBytes() {
    }

    /**
     * The UTF-8 bytes of a key or value given as text.
     *
     * @param text the text; must not be {@code null}
     * @param what what the text is, for the message ({@code "key"}, {@code "value"})
     * @return the bytes
     * @throws IllegalArgumentException for {@code null}, or text that is not valid Unicode (a lone surrogate)
     */
    public static byte[] utf8(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(text));
            return Arrays.copyOf(encoded.array(), encoded.limit());
        }
        catch (CharacterCodingException ex) {
            throw new IllegalArgumentException(what + " '" + text.replaceAll("[\\uD800-\\uDFFF]", "\\\\uFFFD")
                    + "' is not valid Unicode (a lone surrogate); it cannot be sent as UTF-8 without being changed",
                    ex);
        }
    }

    /**
     * The text of bytes that are UTF-8.
     *
     * @param bytes the bytes
     * @param what what they are, for the message
     * @return the text
     * @throws IllegalStateException when the bytes are not valid UTF-8 (read them as bytes instead)
     */
    public static String text(byte[] bytes, String what) {
        return decode(bytes, () -> what + " " + display(bytes));
    }

    /**
     * The text of a value that is UTF-8. Unlike {@link #text(byte[], String)}, a failure names the key and not the
     * value's bytes, which may be a secret.
     *
     * @param value the value's bytes
     * @param key the key that holds it, for the message
     * @return the text
     * @throws IllegalStateException when the value is not valid UTF-8 (read it as bytes instead)
     */
    public static String valueText(byte[] value, byte[] key) {
        return decode(value, () -> "value of " + display(key) + " (" + value.length + " bytes)");
    }

    private static String decode(byte[] bytes, Supplier<String> shown) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        }
        catch (CharacterCodingException ex) {
            throw new IllegalStateException(shown.get() + " is not valid UTF-8; read it with the byte[] accessor", ex);
        }
    }

    /**
     * A key as a message shows it: its text when it is printable UTF-8, else a quoted form with {@code \xNN} for
     * each byte that is not printable ASCII.
     *
     * @param key the key
     * @return the key, readable
     */
    public static String display(byte[] key) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(key))
                .toString();
            if (text.codePoints().noneMatch((c) -> Character.isISOControl(c))) {
                return text;
            }
        }
        catch (CharacterCodingException ex) {
            // shown escaped below
        }
        StringBuilder shown = new StringBuilder("\"");
        for (byte b : key) {
            int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                shown.append((char) c);
            }
            else {
                shown.append(String.format("\\x%02x", c));
            }
        }
        return shown.append('"').toString();
    }

    /**
     * The end of the range of every key that starts with {@code prefix}: the prefix with its last byte below
     * {@code 0xFF} incremented and the rest dropped; {@code {0}} (to the end of the keyspace) when every byte is
     * {@code 0xFF} or the prefix is empty.
     *
     * @param prefix the prefix
     * @return the range end
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if ((prefix[i] & 0xFF) < 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] { 0 };
    }

    /**
     * A copy of a caller's key, refused when empty (etcd refuses an empty key).
     *
     * @param key the key
     * @param what what it is, for the message
     * @return a copy
     */
    public static byte[] key(byte[] key, String what) {
        if (key == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException(what + " must not be empty (etcd has no empty key)");
        }
        return key.clone();
    }

    /**
     * A copy of a caller's value; an empty one is allowed.
     *
     * @param value the value
     * @param what what it is, for the message
     * @return a copy
     */
    public static byte[] value(byte[] value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value.clone();
    }
}
