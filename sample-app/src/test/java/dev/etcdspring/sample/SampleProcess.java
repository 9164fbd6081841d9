// One job: the sample application as a process of its own, as run-sample.sh runs it: started, its port, SIGINT.
package dev.etcdspring.sample;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application in a JVM of its own, from the test class path, with its output in a temporary file;
 * closing it kills what is left of it and deletes the file.
 * <p>
 * The application is started through {@code env --default-signal=INT} (GNU coreutils): a shell without job
 * control, as CI runs Maven in, starts its background commands with SIGINT ignored, every process below inherits
 * that, and a JVM that finds SIGINT ignored leaves it so.
 */
final class SampleProcess implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

    private final Process process;

    private final Path log;

    private SampleProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the application against an etcd, on a free port.
     *
     * @param endpoint the etcd endpoint
     * @param arguments more command-line arguments
     * @return the running application
     */
    static SampleProcess start(String endpoint, String... arguments) throws IOException {
        Path log = Files.createTempFile("sample-app", ".log");
        // Surefire runs tests from a manifest-only jar and says what the class path really is here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // C1 only: it starts in about half the time, and these tests time stops and handovers, not throughput.
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", java.toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classPath, SampleApplication.class.getName(),
                "--etcd.endpoints=" + endpoint, "--server.port=0"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new SampleProcess(process, log);
    }

    /**
     * The port the application's web server listens on, once it has started.
     *
     * @return the port
     */
    int awaitPort() {
        return await().atMost(Duration.ofMinutes(2)).until(() -> {
            String output = output();
            Matcher started = STARTED.matcher(output);
            if (started.find()) {
                return Integer.parseInt(started.group(1));
            }
            assertThat(this.process.isAlive()).as("the application is running; its output:%n%s", output).isTrue();
            return null;
        }, (port) -> port != null);
    }

    long pid() {
        return this.process.pid();
    }

    /**
     * Sends the application SIGINT (Ctrl-C), by its PID only, with the shell's kill: no procps needed.
     */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("sh", "-c", "kill -INT \"$1\"", "sh", Long.toString(pid())).inheritIO()
            .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -INT %d", pid()).isTrue();
    }

    /**
     * Waits for the application to exit.
     *
     * @param timeout how long at most
     * @return whether it exited
     */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return this.process.exitValue();
    }

    /**
     * What the application wrote so far, its standard output and error.
     */
    String output() throws IOException {
        return Files.readString(this.log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        this.process.destroyForcibly();
        this.process.waitFor(30, TimeUnit.SECONDS);
        Files.deleteIfExists(this.log);
    }
}
