package dev.etcdspring.autoconfigure.testcontainers;

import java.net.URI;
import java.util.function.Supplier;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container that is never started, so that no Docker daemon is needed: it says it is running, and answers for
 * the host and the port mapped to etcd's client port what a started one would.
 */
final class UnstartedContainer extends GenericContainer<UnstartedContainer> {

    private final String image;

    private final Supplier<URI> address;

    /**
     * A container at {@code docker.example:32779}.
     *
     * @param image the image it claims to run
     */
    UnstartedContainer(String image) {
        this(image, () -> URI.create("http://docker.example:32779"));
    }

    /**
     * A container at an address known only later, asked for each time.
     *
     * @param image the image it claims to run
     * @param address its host and mapped client port
     */
    UnstartedContainer(String image, Supplier<URI> address) {
        super(DockerImageName.parse(image));
        this.image = image;
        this.address = address;
    }

    @Override
    public String getDockerImageName() {
        // GenericContainer's resolves the image, which asks the daemon.
        return this.image;
    }

    @Override
    public boolean isRunning() {
        return true;
    }

    @Override
    public void start() {
        throw new AssertionError("started " + this.image);
    }

    @Override
    public void stop() {
    }

    @Override
    public String getHost() {
        return this.address.get().getHost();
    }

    @Override
    public Integer getMappedPort(int originalPort) {
        assertThat(originalPort).as("the container port asked for").isEqualTo(2379);
        return this.address.get().getPort();
    }
}
