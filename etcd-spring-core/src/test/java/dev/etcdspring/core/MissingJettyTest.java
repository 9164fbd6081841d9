package dev.etcdspring.core;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty's client is an optional dependency, needed only for {@link EtcdHttpBackend#JETTY}: without it on the class
 * path, a template for an https endpoint builds with the default socket backend, and choosing Jetty fails with a
 * message that names the dependency and the alternative, not with a {@link NoClassDefFoundError}. The template is
 * loaded through a class loader over the test class path without Jetty's jars.
 */
class MissingJettyTest {

    @Test
    void withoutJettyHttpsUsesTheSocketBackendAndChoosingJettyNamesTheDependency() throws Exception {
        try (URLClassLoader withoutJetty = new URLClassLoader(classPathWithoutJetty(),
                ClassLoader.getPlatformClassLoader())) {
            assertThat(withoutJetty.getResource("org/eclipse/jetty/client/HttpClient.class")).isNull();
            Class<?> template = withoutJetty.loadClass(EtcdTemplate.class.getName());
            assertThat(template).isNotSameAs(EtcdTemplate.class);
            Class<?> backends = withoutJetty.loadClass(EtcdHttpBackend.class.getName());
            // The default needs no library, for https too.
            Object socket = template.getMethod("builder").invoke(null);
            socket.getClass().getMethod("endpoints", String[].class)
                .invoke(socket, (Object) new String[] { "https://127.0.0.1:2379" });
            try (AutoCloseable built = (AutoCloseable) socket.getClass().getMethod("build").invoke(socket)) {
                assertThat(built.toString()).contains("https://127.0.0.1:2379");
            }
            Object builder = template.getMethod("builder").invoke(null);
            builder.getClass().getMethod("endpoints", String[].class)
                .invoke(builder, (Object) new String[] { "https://127.0.0.1:2379" });
            builder.getClass().getMethod("httpBackend", backends).invoke(builder, backends.getField("JETTY").get(null));
            Method build = builder.getClass().getMethod("build");
            Throwable failure = null;
            try {
                build.invoke(builder);
            }
            catch (InvocationTargetException ex) {
                failure = ex.getCause();
            }
            assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("org.eclipse.jetty:jetty-client")
                .hasMessageContaining("httpBackend(EtcdHttpBackend.JDK)");

            // The alternative works without Jetty: the JDK's client builds a template for the same endpoint.
            Object jdk = template.getMethod("builder").invoke(null);
            jdk.getClass().getMethod("endpoints", String[].class)
                .invoke(jdk, (Object) new String[] { "https://127.0.0.1:2379" });
            jdk.getClass().getMethod("httpBackend", backends).invoke(jdk, backends.getField("JDK").get(null));
            try (AutoCloseable built = (AutoCloseable) jdk.getClass().getMethod("build").invoke(jdk)) {
                assertThat(built.toString()).contains("https://127.0.0.1:2379");
            }
        }
    }

    /** The test class path (surefire names it in a property of its own), without Jetty's jars. */
    private static URL[] classPathWithoutJetty() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !new File(entry).getName().startsWith("jetty-")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return urls.toArray(new URL[0]);
    }
}
