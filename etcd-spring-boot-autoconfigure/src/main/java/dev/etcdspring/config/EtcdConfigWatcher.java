package dev.etcdspring.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNotDirectoryException;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.WatchOptions;
import dev.etcdspring.core.kv.KvWatchOptions;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Keeps the imported etcd paths live: once the application is ready, one recursive watch per
 * {@link EtcdPropertySource}, from the index after the one it was loaded at, so that no change since the load is
 * missed. Changes are coalesced ({@code etcd.config.watch.delay}, {@code max-delay}), then the path is read again
 * (one request), its source's contents swapped at once, and, when property names were added, modified or removed:
 * the {@code @ConfigurationProperties} beans concerned rebound, an {@link EtcdConfigChangedEvent} published, and with
 * Spring Cloud an {@code EnvironmentChangeEvent} and a refresh of the {@code RefreshScope}. A read that finds
 * nothing new publishes nothing.
 */
public class EtcdConfigWatcher
        implements ApplicationListener<ApplicationReadyEvent>, ApplicationContextAware, DisposableBean {

    /** The observation of one refresh: Spring Boot makes it a timer. */
    public static final String REFRESH_OBSERVATION = "etcd.config.refresh";

    private static final Log logger = LogFactory.getLog(EtcdConfigWatcher.class);

    /** The pause before reading a path again after a failed read. */
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final EtcdTemplate etcd;

    private final EtcdConfigProperties.Watch settings;

    private final ObservationRegistry observationRegistry;

    private final List<PathWatch> paths = new CopyOnWriteArrayList<>();

    private final TaskScheduler refresher;

    private ApplicationContext owner;

    private ConfigurableApplicationContext context;

    private ConfigurationPropertiesRebinder rebinder;

    private volatile boolean closed;

    /**
     * Creates the watcher with a refresh scheduler of its own: one daemon thread, {@code etcd-config-refresh}.
     *
     * @param etcd the client that loaded the configuration
     * @param settings {@code etcd.config.watch.*}
     * @param observationRegistry where refreshes are timed
     */
    public EtcdConfigWatcher(EtcdTemplate etcd, EtcdConfigProperties.Watch settings,
            ObservationRegistry observationRegistry) {
        this(etcd, settings, observationRegistry, platformScheduler());
    }

    /**
     * Creates the watcher; it starts when the application is ready.
     *
     * @param etcd the client that loaded the configuration
     * @param settings {@code etcd.config.watch.*}
     * @param observationRegistry where refreshes are timed
     * @param refresher runs the coalesced refreshes; the watcher owns it and closes it when it is destroyed, if it is
     *        {@link AutoCloseable} or a {@link DisposableBean}
     */
    public EtcdConfigWatcher(EtcdTemplate etcd, EtcdConfigProperties.Watch settings,
            ObservationRegistry observationRegistry, TaskScheduler refresher) {
        this.etcd = etcd;
        this.settings = settings;
        this.observationRegistry = observationRegistry;
        this.refresher = refresher;
    }

    /** One daemon thread, which a refresh cancelled by a newer change leaves at once. */
    static TaskScheduler platformScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("etcd-config-refresh-");
        scheduler.setDaemon(true);
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.initialize();
        return scheduler;
    }

    /**
     * Virtual threads ({@code spring.threads.virtual.enabled=true} on Java 21 or later): each refresh on one of its
     * own, named {@code etcd-config-refresh-N}.
     */
    static TaskScheduler virtualScheduler() {
        SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();
        scheduler.setThreadNamePrefix("etcd-config-refresh-");
        scheduler.setVirtualThreads(true);
        return scheduler;
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.owner = applicationContext;
    }

    @Override
    public synchronized void onApplicationEvent(ApplicationReadyEvent event) {
        // Only this application's readiness: not a child context's, and once.
        if (this.context != null || this.closed || event.getApplicationContext() != this.owner) {
            return;
        }
        this.context = event.getApplicationContext();
        this.rebinder = new ConfigurationPropertiesRebinder(this.context);
        for (PropertySource<?> source : this.context.getEnvironment().getPropertySources()) {
            if (source instanceof EtcdPropertySource etcdSource) {
                PathWatch path = new PathWatch(etcdSource);
                this.paths.add(path);
                path.start();
            }
        }
        if (!this.paths.isEmpty()) {
            logger.info("Watching " + this.paths.size() + " etcd configuration path(s): "
                    + this.paths.stream().map((path) -> path.path).toList());
        }
    }

    @Override
    public synchronized void destroy() {
        this.closed = true;
        this.paths.forEach(PathWatch::close);
        if (this.refresher instanceof DisposableBean disposable) {
            try {
                disposable.destroy();
            }
            catch (Exception ex) {
                logger.debug("Stopping the etcd configuration refresher failed", ex);
            }
        }
        else if (this.refresher instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            }
            catch (Exception ex) {
                logger.debug("Stopping the etcd configuration refresher failed", ex);
            }
        }
    }

    /** One watched path: its watch, and its pending refresh. */
    private final class PathWatch {

        private final String path;

        private final String sourceName;

        private final EtcdConfigFormat format;

        /** The source loaded at start-up: the one to update unless the environment holds another by its name. */
        private final EtcdPropertySource loaded;

        private EtcdWatch watch;

        /** The highest index a change was seen at: a read older than that is read again. */
        private volatile long lastChangeIndex;

        /** Counts scheduled refreshes; a refresh that is not the latest one scheduled gives way to it. */
        private long generation;

        /** When the first change not yet applied arrived, or 0 when there is none. */
        private long firstChangeNanos;

        /** Whether the last refresh failed: logged once per outage, not once per attempt. */
        private boolean failing;

        PathWatch(EtcdPropertySource source) {
            this.path = source.getPath();
            this.sourceName = source.getName();
            this.format = source.getFormat();
            this.loaded = source;
        }

        /**
         * The source to update: the environment's by this name (Spring Cloud's own refresh, when used, replaces
         * sources by name), or the one loaded at start-up.
         */
        EtcdPropertySource source() {
            PropertySource<?> current = EtcdConfigWatcher.this.context.getEnvironment()
                .getPropertySources()
                .get(this.sourceName);
            return (current instanceof EtcdPropertySource etcdSource) ? etcdSource : this.loaded;
        }

        void start() {
            String key = this.path.substring(0, this.path.length() - 1);
            boolean prefix = this.format == EtcdConfigFormat.KEY_VALUE;
            long index = this.loaded.getIndex();
            // Index 0: etcd was out of reach at start-up. Watch from now, and read what is there already.
            long from = (index > 0) ? index + 1 : 0;
            EtcdTemplate etcd = EtcdConfigWatcher.this.etcd;
            if (etcd.api() == EtcdApi.V3) {
                // The prefix byte for byte, as EtcdPrefixReader reads it; a resync (history compacted) reads again.
                KvWatchOptions options = (prefix ? KvWatchOptions.prefix() : KvWatchOptions.defaults())
                    .fromRevision(from);
                this.watch = etcd.opsForKeyValue().watch(prefix ? this.path : key, options,
                        (event) -> changed(event.revision()));
            }
            else {
                WatchOptions options = WatchOptions.defaults().recursive(prefix);
                options = (from > 0) ? options.fromIndex(from) : options;
                this.watch = etcd.watch(key.isEmpty() ? "/" : key, options, (change) -> changed(change.etcdIndex()));
            }
            if (index == 0) {
                schedule(Duration.ZERO);
            }
        }

        private void changed(long index) {
            this.lastChangeIndex = Math.max(this.lastChangeIndex, index);
            schedule(EtcdConfigWatcher.this.settings.getDelay());
        }

        /** Waits for quiet, but no longer than the max delay after the first change waiting. */
        synchronized void schedule(Duration delay) {
            if (EtcdConfigWatcher.this.closed) {
                return;
            }
            long now = System.nanoTime();
            if (this.firstChangeNanos == 0) {
                this.firstChangeNanos = now;
            }
            long untilMax = this.firstChangeNanos + EtcdConfigWatcher.this.settings.getMaxDelay().toNanos() - now;
            submit(Math.max(0, Math.min(delay.toNanos(), untilMax)));
        }

        /** Reads again after a failure: a pause of its own, whatever the coalescing bounds. */
        synchronized void retry() {
            submit(RETRY_PAUSE.toNanos());
        }

        private void submit(long waitNanos) {
            if (EtcdConfigWatcher.this.closed) {
                return;
            }
            long mine = ++this.generation;
            try {
                EtcdConfigWatcher.this.refresher.schedule(() -> refresh(mine), Instant.now().plusNanos(waitNanos));
            }
            catch (RejectedExecutionException ex) {
                // Closed meanwhile: nothing more to apply.
            }
        }

        private void refresh(long scheduled) {
            synchronized (this) {
                if (scheduled != this.generation) {
                    return;
                }
                this.firstChangeNanos = 0;
            }
            try {
                Observation.createNotStarted(REFRESH_OBSERVATION, EtcdConfigWatcher.this.observationRegistry)
                    .lowCardinalityKeyValue("etcd.path", this.path)
                    .observe(this::apply);
            }
            catch (RuntimeException ex) {
                // A listener of the change event, say: the change itself is applied; the next one will be too.
                logger.error("Applying the changed etcd configuration at " + this.path + " failed", ex);
            }
        }

        private void apply() {
            EtcdPropertySource source = source();
            EtcdPropertySource.Snapshot current = source.getSnapshot();
            EtcdPropertySource.Snapshot next;
            try {
                next = EtcdConfigReader.read(EtcdConfigWatcher.this.etcd, this.path, this.format);
            }
            catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
                next = EtcdPropertySource.Snapshot.empty(ex.getIndex());
            }
            catch (InvalidEtcdDocumentException ex) {
                // Reading it again will not help: the next change to it will be read.
                logger.warn(ex.getMessage() + "; the configuration at " + this.path + " stays as it was");
                return;
            }
            catch (EtcdException ex) {
                if (!this.failing) {
                    logger.warn("Could not read the changed etcd configuration at " + this.path + " ("
                            + ex.getMessage() + "); trying again every " + RETRY_PAUSE.toSeconds() + " s until it can");
                    this.failing = true;
                }
                retry();
                return;
            }
            if (this.failing) {
                logger.info("Read the etcd configuration at " + this.path + " again");
                this.failing = false;
            }
            if (next.index() < this.lastChangeIndex) {
                // A member behind the change that caused this read: read again rather than apply old state.
                retry();
            }
            if (next.index() < current.index()) {
                return;
            }
            Set<String> changed = changedNames(current.values(), next.values());
            source.update(next);
            if (changed.isEmpty()) {
                return;
            }
            Set<String> rebound = EtcdConfigWatcher.this.rebinder.rebind(changed);
            if (logger.isDebugEnabled()) {
                logger.debug("Applied etcd configuration at " + this.path + " index " + next.index() + ": changed "
                        + changed + ", rebound " + rebound);
            }
            SpringCloudRefresh.publish(EtcdConfigWatcher.this.context, changed);
            EtcdConfigWatcher.this.context
                .publishEvent(new EtcdConfigChangedEvent(EtcdConfigWatcher.this, this.path, changed, next.index()));
        }

        void close() {
            if (this.watch != null) {
                this.watch.close();
            }
        }
    }

    /** Names added, removed, or with another value. */
    static Set<String> changedNames(Map<String, Object> before, Map<String, Object> after) {
        Set<String> changed = new TreeSet<>();
        for (Map.Entry<String, Object> entry : after.entrySet()) {
            if (!before.containsKey(entry.getKey()) || !Objects.equals(before.get(entry.getKey()), entry.getValue())) {
                changed.add(entry.getKey());
            }
        }
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                changed.add(name);
            }
        }
        return changed;
    }
}
