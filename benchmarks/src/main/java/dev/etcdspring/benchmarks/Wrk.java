package dev.etcdspring.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.etcdspring.core.EtcdApi;

/**
 * The ceiling: {@code wrk}, a C load generator, sending the same GET or range with one connection per thread
 * ({@code -tN -cN}). Its durations are whole seconds.
 */
final class Wrk {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private final Path binary;

    private final Path scripts;

    private Wrk(Path binary, Path scripts) {
        this.binary = binary;
        this.scripts = scripts;
    }

    /** The {@code wrk} on the {@code PATH}, or {@code null} when there is none. */
    static Wrk find(Path scripts) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return new Wrk(candidate, scripts);
            }
        }
        return null;
    }

    /** A load that reads {@code key} as {@link Client#get(String, boolean)} does. */
    Scenario.Load get(String endpoint, EtcdApi api, String key, boolean linearizable) throws IOException {
        String url = endpoint + Wire.getPath(api, key, linearizable);
        String body = Wire.getBody(api, key, linearizable);
        Path script = null;
        if (body != null) {
            Files.createDirectories(this.scripts);
            script = this.scripts.resolve("wrk-" + api + "-" + (linearizable ? "linearizable" : "local") + ".lua");
            Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = '" + body + "'\n"
                    + "wrk.headers[\"Content-Type\"] = \"application/json\"\n", StandardCharsets.UTF_8);
        }
        Path s = script;
        return (threads, duration) -> run(url, s, threads, duration);
    }

    private double run(String url, Path script, int threads, Duration duration) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(this.binary.toString(), "-t" + threads, "-c" + threads,
                "-d" + Math.max(1, Math.round(duration.toMillis() / 1000.0)) + "s"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("wrk did not end: " + command);
        }
        Matcher rate = RATE.matcher(output);
        if (process.exitValue() != 0 || !rate.find() || output.contains("Non-2xx") || output.contains("Socket errors")) {
            throw new IOException("wrk failed (exit " + process.exitValue() + "): " + command + "\n" + output);
        }
        return Double.parseDouble(rate.group(1));
    }
}
