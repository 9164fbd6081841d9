package dev.etcdspring.autoconfigure.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code spring.threads.virtual.enabled=true} puts the template's watches (the application's own, and the live
 * configuration's on the import's template) on virtual threads, still named for their key; without it they are the
 * template's platform threads. Virtual threads need Java 21, this build targets 17: the application runs in a JVM
 * of a newer JDK installed beside it ({@code /usr/lib/jvm}, as on this project's machines).
 */
class VirtualThreadsTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final Pattern DELIVERED = Pattern.compile("delivered on (.*)");

    private static final Pattern PLATFORM = Pattern.compile("platform watch threads (.*)");

    @BeforeAll
    static void configuration() {
        try (EtcdTemplate template = EtcdTemplate.builder().endpoints(etcd.endpoint()).build()) {
            template.set("/config/virtual/greeting", "hello");
        }
    }

    @Test
    void withVirtualThreadsEnabledWatchesRunOnVirtualThreadsNamedForTheirKey() throws Exception {
        List<String> output = probe(true);
        assertThat(line(output, DELIVERED)).isEqualTo("virtual=true name=etcd-watch /virtual/key");
        assertThat(line(output, PLATFORM)).isEqualTo("[]");
    }

    @Test
    void withoutThemWatchesRunOnPlatformThreads() throws Exception {
        List<String> output = probe(false);
        assertThat(line(output, DELIVERED)).isEqualTo("virtual=false name=etcd-watch /virtual/key");
        assertThat(line(output, PLATFORM)).isEqualTo(
                // the import's paths are v3 prefix watches, named for their range
                "[etcd-watch /config/virtual,default/ (prefix), etcd-watch /config/virtual/ (prefix), "
                        + "etcd-watch /virtual/key]");
    }

    private static List<String> probe(boolean virtual) throws IOException, InterruptedException {
        Path java = newerJava().orElse(null);
        assumeTrue(java != null, "no JDK of Java 21 or later in /usr/lib/jvm to run virtual threads on");
        Path log = Files.createTempFile("virtual-threads", ".log");
        try {
            Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    VirtualThreadsProbe.class.getName(), etcd.endpoint(), Boolean.toString(virtual))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the probe did not end within 120 s:\n" + Files.readString(log));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            return output.lines().toList();
        }
        finally {
            Files.deleteIfExists(log);
        }
    }

    private static String line(List<String> output, Pattern pattern) {
        return output.stream().map(pattern::matcher).filter(Matcher::matches).map((m) -> m.group(1)).findFirst()
            .orElseThrow(() -> new AssertionError("no line like " + pattern + " in:\n" + String.join("\n", output)));
    }

    /** The java launcher of an installed JDK of Java 21 or later. */
    private static Optional<Path> newerJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> jdks = Files.list(jvms)) {
            return jdks.filter((jdk) -> feature(jdk) >= 21).map((jdk) -> jdk.resolve("bin/java"))
                .filter(Files::isExecutable).findFirst();
        }
    }

    private static int feature(Path jdk) {
        try {
            Matcher version = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(jdk.resolve("release")));
            return version.find() ? Integer.parseInt(version.group(1)) : 0;
        }
        catch (IOException ex) {
            return 0;
        }
    }
}
