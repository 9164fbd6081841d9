package org.springframework.boot.docker.compose.service.connection;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.core.env.StandardEnvironment;

/**
 * Makes the {@link DockerComposeConnectionSource} Boot hands a factory once Compose has started a service: its
 * constructor is package-private, so tests of a factory outside Boot need a class in this package.
 */
public final class TestDockerComposeConnectionSource {

    private TestDockerComposeConnectionSource() {
    }

    /**
     * The source for a running service.
     *
     * @param service the service, must not be null
     * @return the source, in an empty environment
     */
    public static DockerComposeConnectionSource of(RunningService service) {
        return new DockerComposeConnectionSource(service, new StandardEnvironment());
    }
}
