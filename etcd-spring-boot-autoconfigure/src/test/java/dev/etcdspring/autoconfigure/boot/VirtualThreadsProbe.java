package dev.etcdspring.autoconfigure.boot;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.WatchOptions;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Run by {@link VirtualThreadsTest} in a JVM of Java 21 or later (this project compiles for 17, where there are no
 * virtual threads): starts the test application against the etcd named by its first argument, with
 * {@code spring.threads.virtual.enabled} set to its second, the configuration imported from etcd and watched, and
 * prints on what thread a watch delivers and which platform threads are named for a watch (the import watches its
 * path and the path of the default profile).
 */
public final class VirtualThreadsProbe {

    private VirtualThreadsProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(EtcdTestApplication.class)
            .web(WebApplicationType.NONE)
            .properties("etcd.endpoints=" + args[0], "spring.threads.virtual.enabled=" + args[1],
                    "spring.config.import=etcd:/config/virtual/", "spring.docker.compose.enabled=false")
            .run()) {
            EtcdTemplate etcd = context.getBean(EtcdTemplate.class);
            CompletableFuture<String> delivered = new CompletableFuture<>();
            try (EtcdWatch watch = etcd.watch("/virtual/key", WatchOptions.defaults(),
                    (change) -> delivered.complete(describe(Thread.currentThread())))) {
                etcd.set("/virtual/key", "changed");
                System.out.println("delivered on " + delivered.get(60, TimeUnit.SECONDS));
                // Thread.getAllStackTraces() lists platform threads only.
                List<String> platform = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter((name) -> name.startsWith("etcd-watch")).sorted().toList();
                System.out.println("platform watch threads " + platform);
            }
        }
    }

    private static String describe(Thread thread) {
        try {
            return "virtual=" + Thread.class.getMethod("isVirtual").invoke(thread) + " name=" + thread.getName();
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
