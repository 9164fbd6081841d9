package dev.etcdspring.core.internal;

/**
 * Validates and normalises the keys callers pass: {@code /}-separated paths whose leading {@code /} is
 * optional and where {@code null}, {@code ""} and {@code "/"} all mean the root.
 *
 * <p>Refused before any request, because etcd would silently turn them into another key: an empty segment
 * ({@code a//b}), {@code .} and {@code ..} (the server cleans the path and redirects), and text that is not
 * valid Unicode (a lone surrogate cannot be sent as UTF-8). One trailing {@code /} is allowed and dropped, as
 * the server does.
 */
public final class EtcdKeys {

    /** The normalised root key. */
    public static final String ROOT = "/";

    private EtcdKeys() {
    }

    /**
     * Normalises a key: {@code "a/b"}, {@code "/a/b"} and {@code "/a/b/"} all become {@code "/a/b"}.
     *
     * @param key the key; {@code null}, {@code ""} or {@code "/"} for the root
     * @param what what the key is, for messages, such as {@code "key"} or {@code "dir"}
     * @return the key with exactly one leading {@code /} and no trailing {@code /}; {@code "/"} for the root
     * @throws IllegalArgumentException if the key has an empty, {@code .} or {@code ..} segment, or is not
     *         valid Unicode
     */
    public static String normalize(String key, String what) {
        if (key == null || key.isEmpty() || key.equals(ROOT)) {
            return ROOT;
        }
        checkUnicode(key, what);
        int start = key.startsWith("/") ? 1 : 0;
        int end = key.endsWith("/") ? key.length() - 1 : key.length();
        String path = key.substring(start, end);
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(what + " '" + key + "' has an invalid segment '" + segment
                        + "': empty, '.' and '..' segments are not allowed, since etcd would rewrite the key");
            }
        }
        return "/" + path;
    }

    /**
     * Refuses a value that is not valid Unicode, since etcd stores UTF-8 and a lone surrogate cannot be encoded
     * without silently replacing it.
     *
     * @param value the value; must not be {@code null}
     * @param what what the value is, for messages
     * @param key the key it belongs to, for messages
     * @throws IllegalArgumentException if the value holds a lone surrogate
     */
    public static void checkValue(String value, String what, String key) {
        int bad = firstLoneSurrogate(value);
        if (bad >= 0) {
            throw new IllegalArgumentException(what + " for key '" + key
                    + "' is not valid Unicode: lone surrogate at index " + bad + "; etcd stores UTF-8");
        }
    }

    /**
     * The child of a normalised directory.
     *
     * @param dir a normalised directory
     * @param name a single segment
     * @return the child's normalised key
     */
    public static String child(String dir, String name) {
        return dir.equals(ROOT) ? ROOT + name : dir + "/" + name;
    }

    private static void checkUnicode(String key, String what) {
        int bad = firstLoneSurrogate(key);
        if (bad >= 0) {
            throw new IllegalArgumentException(what + " '" + key + "' is not valid Unicode: lone surrogate at index "
                    + bad + "; etcd stores keys as UTF-8");
        }
    }

    private static int firstLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
