package dev.etcdspring.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs Debian's {@code etcdctl} (package {@code etcd-client}, 3.4) against a test etcd with {@code ETCDCTL_API=3}:
 * what another v3 client writes and sees, for the interop tests.
 *
 * <pre>{@code
 * Etcdctl etcdctl = Etcdctl.at(etcd.endpoint());
 * etcdctl.put("shop2/flat", "noslash");
 * Etcdctl.Range range = etcdctl.get("shop2/flat");
 * }</pre>
 *
 * <p>What reaches etcd exactly, and by which way:
 * <ul>
 * <li>Arguments ({@link #put(String, String)}, {@link #get(String, String...)}) carry text only: Java encodes a
 * process's arguments with the platform charset (UTF-8 here), so a {@code String} cannot stand for a byte such as
 * {@code 0xFF} that is not UTF-8, a lone surrogate would silently become {@code ?}, and a NUL ends a C argument.
 * Such arguments are refused with an {@link IllegalArgumentException}, never passed changed.</li>
 * <li>Values of any bytes go on standard input ({@link #put(String, byte[])}: {@code etcdctl put <key>} reads the
 * value from stdin, all of it, no newline trimmed; an empty stdin is refused as a missing value, so an empty value
 * goes as the argument {@code ""}).</li>
 * <li>Keys of any bytes, NUL and invalid UTF-8 included ({@link #put(byte[], byte[])}, {@link #get(byte[])}), go
 * through {@code etcdctl txn}, which reads its operations from stdin and unquotes double-quoted Go strings:
 * {@code put "\x00\xff" "v"}.</li>
 * <li>Reads use {@code -w json}, whose keys and values are base64: exact for any bytes.</li>
 * </ul>
 *
 * <p>The binary: {@code ETCDCTL_BINARY} (system property or environment variable), else {@code etcdctl} on the
 * {@code PATH}, else {@code /usr/bin/etcdctl}; without one the tests fail saying how to install it.
 */
public final class Etcdctl {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;

    private final String endpoint;

    private final Duration timeout;

    private Etcdctl(Path binary, String endpoint, Duration timeout) {
        this.binary = binary;
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /**
     * An etcdctl for one endpoint.
     *
     * @param endpoint the client URL, such as {@code http://127.0.0.1:2379}
     * @return the etcdctl
     * @throws IllegalStateException when no etcdctl binary is found
     */
    public static Etcdctl at(String endpoint) {
        return new Etcdctl(locate(), endpoint, DEFAULT_TIMEOUT);
    }

    /**
     * The same etcdctl, each command given this long to end before it is killed and fails.
     *
     * @param timeout a positive duration
     * @return a new etcdctl
     */
    public Etcdctl withTimeout(Duration timeout) {
        return new Etcdctl(this.binary, this.endpoint, timeout);
    }

    /**
     * Finds the etcdctl binary.
     *
     * @return its path
     * @throws IllegalStateException when there is none
     */
    public static Path locate() {
        String configured = System.getProperty("ETCDCTL_BINARY", System.getenv("ETCDCTL_BINARY"));
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(
                        "ETCDCTL_BINARY names '" + configured + "', which is not an executable file");
            }
            return path;
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "etcdctl");
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        Path debian = Path.of("/usr/bin/etcdctl");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        throw new IllegalStateException("No etcdctl binary found for the interop tests: install Debian's "
                + "etcd-client (sudo apt-get install -y etcd-client), put an etcdctl 3.4 or 3.5 on the PATH, "
                + "or set ETCDCTL_BINARY to its path");
    }

    /**
     * Runs {@code etcdctl --endpoints=<endpoint> <args>}.
     *
     * @param args the command and its arguments; text the platform charset holds exactly, no NUL
     * @return its standard output
     * @throws IllegalStateException when it exits with another status than 0 (the message has its stderr), or
     *         does not end within the timeout
     */
    public byte[] run(String... args) {
        return run(null, args);
    }

    /**
     * Runs etcdctl with bytes on its standard input.
     *
     * @param stdin what it reads, or {@code null} for nothing (stdin closed at once)
     * @param args the command and its arguments
     * @return its standard output
     */
    public byte[] run(byte[] stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(this.binary.toString());
        command.add("--endpoints=" + this.endpoint);
        for (String arg : args) {
            command.add(checkedArgument(arg));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        Process process;
        try {
            process = builder.start();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("could not run " + command, ex);
        }
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        catch (IOException ex) {
            // It exited before reading all of it: the exit status and stderr below say why.
        }
        try {
            if (!process.waitFor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not end within " + this.timeout);
            }
            byte[] stdout = out.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
            String stderr = new String(err.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS),
                    StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + process.exitValue() + ": "
                        + stderr.strip());
            }
            return stdout;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command, ex);
        }
        catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
            process.destroyForcibly();
            throw new IllegalStateException("could not read the output of " + command, ex);
        }
    }

    /**
     * Runs etcdctl and returns its output as text.
     *
     * @param args the command and its arguments
     * @return its standard output, decoded as UTF-8, without surrounding white space
     */
    public String text(String... args) {
        return new String(run(args), StandardCharsets.UTF_8).strip();
    }

    /**
     * {@code etcdctl put -- <key> <value>}.
     *
     * @param key the key, as text
     * @param value the value, as text (a leading {@code -} is fine)
     */
    public void put(String key, String value) {
        expectOk(run("put", "--", key, value));
    }

    /**
     * {@code etcdctl put --lease=<hex> -- <key> <value>}.
     *
     * @param key the key
     * @param value the value
     * @param lease the lease's id
     */
    public void put(String key, String value, long lease) {
        expectOk(run("put", "--lease=" + Long.toHexString(lease), "--", key, value));
    }

    /**
     * {@code etcdctl put -- <key>}, the value on standard input: exactly these bytes, NUL and all. An empty value
     * goes as the argument {@code ""} instead: etcdctl takes an empty stdin for a missing value and refuses the put.
     *
     * @param key the key, as text
     * @param value the value
     */
    public void put(String key, byte[] value) {
        expectOk((value.length == 0) ? run("put", "--", key, "") : run(value, "put", "--", key));
    }

    /**
     * A put of any bytes as key and value, through {@code etcdctl txn} (no comparison, one put).
     *
     * @param key the key
     * @param value the value
     * @return the revision of the transaction
     */
    public long put(byte[] key, byte[] value) {
        JsonNode answer = txn("\nput " + goQuoted(key) + " " + goQuoted(value) + "\n\n\n");
        if (!answer.path("succeeded").asBoolean(false)) {
            throw new IllegalStateException("etcdctl txn did not succeed: " + answer);
        }
        return answer.path("header").path("revision").asLong();
    }

    /**
     * {@code etcdctl get -w json [flags] -- <key>}.
     *
     * @param key the key, or the start of the range
     * @param flags more flags, such as {@code --prefix} or {@code --rev=5}
     * @return what it printed
     */
    public Range get(String key, String... flags) {
        List<String> args = new ArrayList<>(List.of("get", "-w", "json"));
        args.addAll(Arrays.asList(flags));
        args.add("--");
        args.add(key);
        return Range.of(json(run(args.toArray(new String[0]))));
    }

    /**
     * A read of one key of any bytes, through {@code etcdctl txn}.
     *
     * @param key the key
     * @return what it printed
     */
    public Range get(byte[] key) {
        JsonNode answer = txn("\nget " + goQuoted(key) + "\n\n\n");
        JsonNode range = answer.path("responses").path(0).path("Response").path("ResponseRange");
        return new Range(answer.path("header").path("revision").asLong(), parseKvs(range.path("kvs")),
                range.path("count").asLong(0));
    }

    /**
     * {@code etcdctl del -w json [flags] -- <key>}.
     *
     * @param key the key, or the start of the range
     * @param flags more flags, such as {@code --prefix}
     * @return how many keys were deleted, at which revision
     */
    public Deleted del(String key, String... flags) {
        List<String> args = new ArrayList<>(List.of("del", "-w", "json"));
        args.addAll(Arrays.asList(flags));
        args.add("--");
        args.add(key);
        JsonNode answer = json(run(args.toArray(new String[0])));
        return new Deleted(answer.path("deleted").asLong(0), answer.path("header").path("revision").asLong());
    }

    /**
     * {@code etcdctl txn -w json}, its operations on standard input (compares, a blank line, the operations on
     * success, a blank line, those on failure, a blank line), keys and values as etcdctl writes them: bare words,
     * or double-quoted Go strings ({@code "\x00"}).
     *
     * @param stdin the transaction
     * @return what it printed
     */
    public JsonNode txn(String stdin) {
        return json(run(stdin.getBytes(StandardCharsets.UTF_8), "txn", "-w", "json"));
    }

    /**
     * {@code etcdctl lease grant <ttl>}, which prints {@code lease <hex id> granted with TTL(<ttl>s)}.
     *
     * @param ttlSeconds the time to live
     * @return the lease's id
     */
    public long leaseGrant(long ttlSeconds) {
        String printed = text("lease", "grant", Long.toString(ttlSeconds));
        String[] words = printed.split(" ");
        if (words.length < 3 || !words[0].equals("lease") || !words[2].equals("granted")) {
            throw new IllegalStateException("unexpected answer of etcdctl lease grant: " + printed);
        }
        return Long.parseUnsignedLong(words[1], 16);
    }

    /**
     * {@code etcdctl lease timetolive <hex> --keys -w json}.
     *
     * @param lease the lease's id
     * @return what it printed
     */
    public Lease timeToLive(long lease) {
        JsonNode answer = json(run("lease", "timetolive", Long.toHexString(lease), "--keys", "-w", "json"));
        List<byte[]> keys = new ArrayList<>();
        answer.path("keys").forEach((key) -> keys.add(Base64.getDecoder().decode(key.asString())));
        return new Lease(answer.path("id").asLong(), answer.path("ttl").asLong(), answer.path("granted-ttl").asLong(),
                keys, answer.path("revision").asLong());
    }

    /**
     * {@code etcdctl lease revoke <hex>}.
     *
     * @param lease the lease's id
     */
    public void leaseRevoke(long lease) {
        text("lease", "revoke", Long.toHexString(lease));
    }

    /**
     * Bytes as a double-quoted Go string, every byte escaped as {@code \xNN}: how {@code etcdctl txn} reads any
     * bytes.
     *
     * @param bytes the bytes
     * @return the quoted string
     */
    public static String goQuoted(byte[] bytes) {
        StringBuilder quoted = new StringBuilder(bytes.length * 4 + 2).append('"');
        for (byte b : bytes) {
            quoted.append("\\x").append(HexFormat.of().toHexDigits(b));
        }
        return quoted.append('"').toString();
    }

    /**
     * An argument exactly as the process receives it, or refused: the charset Java encodes arguments with (on Java
     * 17 the default charset, on later versions {@code sun.jnu.encoding}) must hold every character, and NUL ends a
     * C string.
     */
    private static String checkedArgument(String arg) {
        if (arg.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an argument cannot hold NUL: pass such bytes on stdin "
                    + "(put(String, byte[])) or through txn (put(byte[], byte[]))");
        }
        for (Charset charset : argumentCharsets()) {
            if (!charset.newEncoder().canEncode(arg)) {
                throw new IllegalArgumentException("the argument " + HexFormat.of().formatHex(
                        arg.getBytes(StandardCharsets.UTF_16BE)) + " (UTF-16) cannot be passed exactly in "
                        + charset + ": pass such bytes through txn (put(byte[], byte[]))");
            }
        }
        return arg;
    }

    private static List<Charset> argumentCharsets() {
        List<Charset> charsets = new ArrayList<>(List.of(Charset.defaultCharset()));
        String jnu = System.getProperty("sun.jnu.encoding");
        if (jnu != null && Charset.isSupported(jnu)) {
            charsets.add(Charset.forName(jnu));
        }
        return charsets;
    }

    private static void expectOk(byte[] stdout) {
        String printed = new String(stdout, StandardCharsets.UTF_8).strip();
        if (!printed.equals("OK")) {
            throw new IllegalStateException("etcdctl put answered '" + printed + "', not OK");
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readAllBytes();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
    }

    private static JsonNode json(byte[] stdout) {
        return JSON.readTree(stdout);
    }

    private static List<Kv> parseKvs(JsonNode array) {
        List<Kv> kvs = new ArrayList<>();
        array.forEach((kv) -> kvs.add(new Kv(base64(kv.path("key")), base64(kv.path("value")),
                kv.path("create_revision").asLong(0), kv.path("mod_revision").asLong(0), kv.path("version").asLong(0),
                kv.path("lease").asLong(0))));
        return kvs;
    }

    private static byte[] base64(JsonNode field) {
        return field.isMissingNode() || field.isNull() ? new byte[0] : Base64.getDecoder().decode(field.asString());
    }

    /**
     * What {@code etcdctl get -w json} printed.
     *
     * @param revision the header's revision
     * @param kvs the keys, bytes decoded from base64
     * @param count the count (0 when etcd omitted it)
     */
    public record Range(long revision, List<Kv> kvs, long count) {

        static Range of(JsonNode answer) {
            return new Range(answer.path("header").path("revision").asLong(), parseKvs(answer.path("kvs")),
                    answer.path("count").asLong(0));
        }

        /**
         * The first key.
         *
         * @return it, or {@code null} when nothing was found
         */
        public Kv first() {
            return this.kvs.isEmpty() ? null : this.kvs.get(0);
        }
    }

    /**
     * One key as etcdctl printed it.
     *
     * @param key the key's bytes
     * @param value the value's bytes
     * @param createRevision the create revision
     * @param modRevision the mod revision
     * @param version the version
     * @param lease the lease id, 0 for none
     */
    public record Kv(byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease) {

        /**
         * The key as text.
         *
         * @return the key decoded as UTF-8 (replacing what is not)
         */
        public String keyText() {
            return new String(this.key, StandardCharsets.UTF_8);
        }

        /**
         * The value as text.
         *
         * @return the value decoded as UTF-8 (replacing what is not)
         */
        public String valueText() {
            return new String(this.value, StandardCharsets.UTF_8);
        }
    }

    /**
     * What {@code etcdctl del -w json} printed.
     *
     * @param deleted how many keys were deleted (0 when etcd omitted it)
     * @param revision the header's revision: the delete's, when it deleted something
     */
    public record Deleted(long deleted, long revision) {
    }

    /**
     * What {@code etcdctl lease timetolive --keys -w json} printed.
     *
     * @param id the lease's id
     * @param ttl the seconds left; -1 for a lease that does not exist
     * @param grantedTtl the seconds it was granted
     * @param keys its keys
     * @param revision the revision etcd answered at
     */
    public record Lease(long id, long ttl, long grantedTtl, List<byte[]> keys, long revision) {

        /**
         * The keys as text.
         *
         * @return the keys decoded as UTF-8
         */
        public List<String> keyNames() {
            return this.keys.stream().map((key) -> new String(key, StandardCharsets.UTF_8)).toList();
        }
    }
}
