package dev.etcdspring.autoconfigure;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactory;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code @ServiceConnection} factories in {@code META-INF/spring.factories}: both load when their libraries
 * are present, and either library may be absent.
 */
class EtcdConnectionDetailsFactoryRegistrationTest {

    private static final String DOCKER_COMPOSE_FACTORY =
            "dev.etcdspring.autoconfigure.docker.compose.EtcdDockerComposeConnectionDetailsFactory";

    private static final String TESTCONTAINERS_FACTORY =
            "dev.etcdspring.autoconfigure.testcontainers.EtcdContainerConnectionDetailsFactory";

    @Test
    void bothFactoriesAreRegisteredAndLoad() {
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(ConnectionDetailsFactory.class))
            .extracting((factory) -> factory.getClass().getName())
            .contains(DOCKER_COMPOSE_FACTORY, TESTCONTAINERS_FACTORY);
    }

    @ParameterizedTest
    @CsvSource({ "testcontainers, " + DOCKER_COMPOSE_FACTORY + ", " + TESTCONTAINERS_FACTORY,
            "/spring-boot-docker-compose/, " + TESTCONTAINERS_FACTORY + ", " + DOCKER_COMPOSE_FACTORY })
    void eitherLibraryMayBeAbsent(String absentJars, String loaded, String skipped) throws Exception {
        try (URLClassLoader classLoader = classPathWithout(absentJars)) {
            // Spring's loading as Boot's ConnectionDetailsFactories does it: a factory whose superclass is missing
            // is logged and skipped, never an error, so an application without the library still starts.
            List<String> factories = SpringFactoriesLoader.forDefaultResourceLocation(classLoader)
                .load(classLoader.loadClass(ConnectionDetailsFactory.class.getName()),
                        SpringFactoriesLoader.FailureHandler.logging(LogFactory.getLog(getClass())))
                .stream()
                .map((factory) -> factory.getClass().getName())
                .toList();
            assertThat(factories).contains(loaded).doesNotContain(skipped);
            // And Boot's registry itself, loaded afresh with everything else, starts.
            classLoader.loadClass(ConnectionDetailsFactories.class.getName())
                .getConstructor(ClassLoader.class)
                .newInstance(classLoader);
        }
    }

    /**
     * A class loader over this test's class path less some jars, with no parent but the platform's, so that
     * everything (Spring included) is loaded afresh and sees only what remains.
     */
    private static URLClassLoader classPathWithout(String absentJars) {
        // Surefire runs tests from a manifest-only jar and says what the class path really is here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        URL[] urls = Arrays.stream(classPath.split(File.pathSeparator))
            .filter((entry) -> !entry.replace(File.separatorChar, '/').contains(absentJars))
            .map(EtcdConnectionDetailsFactoryRegistrationTest::url)
            .toArray(URL[]::new);
        assertThat(urls).hasSizeLessThan(classPath.split(File.pathSeparator).length);
        return new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
    }

    private static URL url(String entry) {
        try {
            return new File(entry).toURI().toURL();
        }
        catch (MalformedURLException ex) {
            throw new IllegalArgumentException(entry, ex);
        }
    }
}
