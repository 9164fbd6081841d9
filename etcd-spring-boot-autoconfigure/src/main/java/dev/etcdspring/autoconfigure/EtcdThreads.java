package dev.etcdspring.autoconfigure;

import java.util.concurrent.Executor;

import dev.etcdspring.core.EtcdTemplate;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.system.JavaVersion;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Where the templates of a Spring Boot application run their background work (watches, health checks): on virtual
 * threads when the application asks for them ({@code spring.threads.virtual.enabled=true}, on Java 21 or later), as
 * Boot's own executors and schedulers then do; otherwise on the template's own pool of daemon threads.
 */
public final class EtcdThreads {

    private static final String VIRTUAL_PROPERTY = "spring.threads.virtual.enabled";

    private EtcdThreads() {
    }

    /**
     * Sets the template's executor to virtual threads when the environment asks for them.
     *
     * @param builder the builder
     * @param environment the application's environment
     * @return the builder
     */
    public static EtcdTemplate.Builder apply(EtcdTemplate.Builder builder, Environment environment) {
        return Threading.VIRTUAL.isActive(environment) ? builder.executor(virtualThreads()) : builder;
    }

    /**
     * The same, for a template built before the environment is complete (the {@code etcd:} configuration import),
     * from the configuration read so far: the rule of {@link Threading#VIRTUAL}.
     *
     * @param builder the builder
     * @param binder the configuration read so far
     * @return the builder
     */
    public static EtcdTemplate.Builder apply(EtcdTemplate.Builder builder, Binder binder) {
        boolean enabled = binder.bind(VIRTUAL_PROPERTY, Boolean.class).orElse(false);
        return (enabled && JavaVersion.getJavaVersion().isEqualOrNewerThan(JavaVersion.TWENTY_ONE))
                ? builder.executor(virtualThreads()) : builder;
    }

    /** A virtual thread per task; each task names its thread for what it does ({@code etcd-watch /key}). */
    private static Executor virtualThreads() {
        return new VirtualThreadTaskExecutor("etcd-");
    }
}
