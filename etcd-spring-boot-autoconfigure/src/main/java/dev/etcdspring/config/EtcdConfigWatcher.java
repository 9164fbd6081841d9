package dev.etcdspring.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNotDirectoryException;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.EtcdWatch;
import dev.etcdspring.core.WatchOptions;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;

/**
 * Keeps the imported etcd paths live: once the application is ready, one recursive watch per
 * {@link EtcdPropertySource}, from the index after the one it was loaded at, so that no change since the load is
 * missed. Changes are coalesced ({@code etcd.config.watch.delay}, {@code max-delay}), then the path is read again
 * (one request), its source's contents swapped at once, and, when property names were added, modified or removed:
 * the {@code @ConfigurationProperties} beans concerned rebound, an {@link EtcdConfigChangedEvent} published, and with
 * Spring Cloud an {@code EnvironmentChangeEvent} and a refresh of the {@code RefreshScope}. A read that finds
 * nothing new publishes nothing.
 */
public class EtcdConfigWatcher implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

    /** The observation of one refresh: Spring Boot makes it a timer. */
    public static final String REFRESH_OBSERVATION = "etcd.config.refresh";

    private static final Log logger = LogFactory.getLog(EtcdConfigWatcher.class);

    private final EtcdTemplate etcd;

    private final EtcdConfigProperties.Watch settings;

    private final ObservationRegistry observationRegistry;

    private final List<PathWatch> paths = new ArrayList<>();

    private final ScheduledExecutorService refresher;

    private ConfigurableApplicationContext context;

    private ConfigurationPropertiesRebinder rebinder;

    private volatile boolean closed;

    /**
     * Creates the watcher; it starts when the application is ready.
     *
     * @param etcd the client that loaded the configuration
     * @param settings {@code etcd.config.watch.*}
     * @param observationRegistry where refreshes are timed
     */
    public EtcdConfigWatcher(EtcdTemplate etcd, EtcdConfigProperties.Watch settings,
            ObservationRegistry observationRegistry) {
        this.etcd = etcd;
        this.settings = settings;
        this.observationRegistry = observationRegistry;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
            Thread thread = new Thread(task, "etcd-config-refresh");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.refresher = executor;
    }

    @Override
    public synchronized void onApplicationEvent(ApplicationReadyEvent event) {
        if (this.context != null || this.closed) {
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
                    + this.paths.stream().map((path) -> path.source.getPath()).toList());
        }
    }

    /**
     * The index each watched path's configuration was last applied at.
     *
     * @return path to index
     */
    public Map<String, Long> appliedIndexes() {
        Map<String, Long> indexes = new java.util.LinkedHashMap<>();
        for (PathWatch path : List.copyOf(this.paths)) {
            indexes.put(path.source.getPath(), path.source.getIndex());
        }
        return indexes;
    }

    @Override
    public synchronized void destroy() {
        this.closed = true;
        this.paths.forEach(PathWatch::close);
        this.refresher.shutdownNow();
    }

    /** One watched path: its watch, and its pending refresh. */
    private final class PathWatch implements Consumer<EtcdResponse> {

        private final EtcdPropertySource source;

        private EtcdWatch watch;

        /** Counts scheduled refreshes; a refresh that is not the latest one scheduled gives way to it. */
        private long generation;

        /** When the first change not yet applied arrived, or 0 when there is none. */
        private long firstChangeNanos;

        /** Whether the last refresh failed: logged once per outage, not once per attempt. */
        private boolean failing;

        PathWatch(EtcdPropertySource source) {
            this.source = source;
        }

        void start() {
            String key = this.source.getPath().substring(0, this.source.getPath().length() - 1);
            boolean recursive = this.source.getFormat() == EtcdConfigFormat.KEY_VALUE;
            this.watch = EtcdConfigWatcher.this.etcd.watch(key.isEmpty() ? "/" : key,
                    WatchOptions.defaults().recursive(recursive).fromIndex(this.source.getIndex() + 1), this);
        }

        @Override
        public void accept(EtcdResponse change) {
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
            long wait = Math.max(0, Math.min(delay.toNanos(), untilMax));
            long mine = ++this.generation;
            EtcdConfigWatcher.this.refresher.schedule(() -> refresh(mine), wait, TimeUnit.NANOSECONDS);
        }

        private void refresh(long scheduled) {
            synchronized (this) {
                if (scheduled != this.generation) {
                    return;
                }
                this.firstChangeNanos = 0;
            }
            Observation observation = Observation.createNotStarted(REFRESH_OBSERVATION,
                    EtcdConfigWatcher.this.observationRegistry)
                .lowCardinalityKeyValue("etcd.path", this.source.getPath());
            observation.observe(this::apply);
        }

        private void apply() {
            EtcdPropertySource.Snapshot current = this.source.getSnapshot();
            EtcdPropertySource.Snapshot next;
            try {
                next = EtcdConfigReader.read(EtcdConfigWatcher.this.etcd, this.source.getPath(),
                        this.source.getFormat());
            }
            catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
                next = EtcdPropertySource.Snapshot.empty(ex.getIndex());
            }
            catch (EtcdException | IllegalStateException ex) {
                if (!this.failing) {
                    logger.warn("Could not read the changed etcd configuration at " + this.source.getPath() + " ("
                            + ex.getMessage() + "); trying again until it can");
                    this.failing = true;
                }
                schedule(Duration.ofSeconds(1));
                return;
            }
            if (this.failing) {
                logger.info("Read the etcd configuration at " + this.source.getPath() + " again");
                this.failing = false;
            }
            if (next.index() < current.index()) {
                // An answer from a member behind the one that answered before: never go back in time.
                return;
            }
            Set<String> changed = changedNames(current.values(), next.values());
            this.source.update(next);
            if (changed.isEmpty()) {
                return;
            }
            Set<String> rebound = EtcdConfigWatcher.this.rebinder.rebind(changed);
            if (logger.isDebugEnabled()) {
                logger.debug("Applied etcd configuration at " + this.source.getPath() + " index " + next.index()
                        + ": changed " + changed + ", rebound " + rebound);
            }
            SpringCloudRefresh.publish(EtcdConfigWatcher.this.context, changed);
            EtcdConfigWatcher.this.context.publishEvent(
                    new EtcdConfigChangedEvent(EtcdConfigWatcher.this, this.source.getPath(), changed, next.index()));
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
