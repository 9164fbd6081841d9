package dev.etcdspring.test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the etcd binary the tests run: {@code ETCD_BINARY} (environment variable or system property), else
 * {@code etcd} on the {@code PATH}, else {@code /usr/bin/etcd}. With none it fails, saying how to install one:
 * tests that need etcd never skip silently.
 */
final class EtcdBinary {

    private EtcdBinary() {
    }

    static Path locate() {
        String configured = System.getProperty("ETCD_BINARY", System.getenv("ETCD_BINARY"));
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("ETCD_BINARY names '" + configured + "', which is not an executable file");
            }
            return path;
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "etcd");
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        Path debian = Path.of("/usr/bin/etcd");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        throw new IllegalStateException("No etcd binary found for the tests: install Debian's etcd-server "
                + "(sudo apt-get install -y etcd-server), put an etcd 3.4 or 3.5 binary on the PATH, "
                + "or set ETCD_BINARY to its path");
    }
}
