package dev.etcdspring.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One real etcd member, run as a child process on loopback with the v2 API enabled, serving its client URL over
 * {@code http} or, for a TLS cluster, {@code https}. It keeps its data directory across {@link #stop()} and
 * {@link #start()}, so a stopped member comes back with its data, as after a crash.
 */
public final class EtcdProcess {

    private static final Set<Process> running = ConcurrentHashMap.newKeySet();

    static {
        // A test JVM that dies without its afterAll must not leave etcd processes behind.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly)));
    }

    private final String name;

    private final int clientPort;

    private final int peerPort;

    private final Path dataDir;

    private final Path logFile;

    private final String clientScheme;

    // The cluster's client: for a TLS cluster it trusts the test CA and presents the test client certificate.
    private final HttpClient http;

    private List<String> command;

    private Process process;

    EtcdProcess(String name, int clientPort, int peerPort, Path baseDir, boolean https, HttpClient http) {
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dataDir = baseDir.resolve(name + ".etcd");
        this.logFile = baseDir.resolve(name + ".log");
        this.clientScheme = https ? "https" : "http";
        this.http = http;
    }

    void configure(Path binary, String initialCluster, String clusterToken, boolean v2, List<String> tlsFlags) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--name", this.name, "--data-dir",
                this.dataDir.toString(), "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl(), "--initial-advertise-peer-urls", peerUrl(),
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", clusterToken, "--enable-v2=" + v2));
        command.addAll(tlsFlags);
        this.command = List.copyOf(command);
    }

    /**
     * The URL clients reach this member on.
     *
     * @return {@code http://127.0.0.1:<port>}, or {@code https://127.0.0.1:<port>} for a TLS cluster
     */
    public String clientUrl() {
        return this.clientScheme + "://127.0.0.1:" + this.clientPort;
    }

    /**
     * The URL peers reach this member on.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String peerUrl() {
        return "http://127.0.0.1:" + this.peerPort;
    }

    /**
     * The member's name.
     *
     * @return the name
     */
    public String name() {
        return this.name;
    }

    /**
     * The process id while running.
     *
     * @return the pid, or -1 when stopped
     */
    public long pid() {
        Process p = this.process;
        return (p != null && p.isAlive()) ? p.pid() : -1;
    }

    /**
     * Whether the process runs.
     *
     * @return whether it is alive
     */
    public boolean isRunning() {
        return this.process != null && this.process.isAlive();
    }

    /**
     * Starts the process; returns at once, see {@link #awaitHealthy(Duration)}.
     */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        try {
            Files.writeString(this.logFile, "=== start " + java.time.Instant.now() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
                .start();
            running.add(this.process);
        }
        catch (IOException ex) {
            throw new IllegalStateException("Could not start etcd member " + this.name + " with " + this.command, ex);
        }
    }

    /**
     * Waits until the member answers {@code /health} with {@code true}, which needs a cluster with a leader. A TLS
     * member is asked over {@code https}, trusting the test CA and with the test client certificate.
     *
     * @param timeout how long to wait
     */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(clientUrl() + "/health"))
            .timeout(Duration.ofSeconds(1))
            .build();
        IOException lastFailure = null;
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IllegalStateException(
                        "etcd member " + this.name + " exited with " + this.process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("true")) {
                    return;
                }
            }
            catch (IOException ex) {
                // not listening yet; kept for the failure message, since a TLS mistake looks the same from here
                lastFailure = ex;
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            pause(50);
        }
        throw new IllegalStateException("etcd member " + this.name + " was not healthy within " + timeout
                + ((lastFailure != null) ? " (last attempt: " + lastFailure + ")" : "") + ":\n" + logTail());
    }

    /**
     * Stops the process gracefully (SIGTERM), forcibly if it does not exit within 10 seconds.
     */
    public synchronized void stop() {
        end(false);
    }

    /**
     * Kills the process at once (SIGKILL), as a crash would.
     */
    public synchronized void kill() {
        end(true);
    }

    private void end(boolean forcibly) {
        Process p = this.process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (forcibly) {
            p.destroyForcibly();
        }
        else {
            p.destroy();
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException ex) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        running.remove(p);
    }

    /**
     * The last lines etcd logged, for failure messages.
     *
     * @return up to 40 lines of the log
     */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(this.logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        catch (IOException ex) {
            return "(no log: " + ex + ")";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public String toString() {
        return "etcd " + this.name + " at " + clientUrl() + (isRunning() ? " (pid " + pid() + ")" : " (stopped)");
    }
}
