package dev.etcdspring.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The template's background work on the application's threads, against a real etcd: a watch runs as one task on
 * the caller's executor, on a thread named for its key while it runs, and close() ends that task and gives the
 * thread back as it was; health checks reuse the threads of the template's own executor instead of one each.
 */
class BackgroundExecutorTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    @Test
    void aWatchRunsOnTheCallersExecutorAndCloseEndsItsTask() throws Exception {
        Set<Thread> pooled = ConcurrentHashMap.newKeySet();
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2, (task) -> {
            Thread thread = new Thread(task, "app-pool");
            thread.setDaemon(true);
            pooled.add(thread);
            return thread;
        });
        ExecutorService counted = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable command) {
                tasks.incrementAndGet();
                pool.execute(command);
            }

            @Override
            public void shutdown() {
                pool.shutdown();
            }

            @Override
            public List<Runnable> shutdownNow() {
                return pool.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return pool.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return pool.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                return pool.awaitTermination(timeout, unit);
            }
        };
        List<Thread> deliveredOn = new CopyOnWriteArrayList<>();
        List<String> namesWhileRunning = new CopyOnWriteArrayList<>();
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).executor(counted)
            .build()) {
            EtcdWatch watch = etcdTemplate.watch("/pooled/key", WatchOptions.defaults(), (event) -> {
                deliveredOn.add(Thread.currentThread());
                namesWhileRunning.add(Thread.currentThread().getName());
            });
            assertThat(tasks).hasValue(1);
            etcdTemplate.set("/pooled/key", "one");
            await().atMost(Duration.ofSeconds(10)).until(() -> deliveredOn.size() == 1);
            Thread thread = deliveredOn.get(0);
            assertThat(pooled).as("the watch runs on a thread of the caller's executor").contains(thread);
            assertThat(namesWhileRunning).containsExactly("etcd-watch /pooled/key");
            watch.close();
            assertThat(watch.isOpen()).isFalse();
            assertThat(thread.getName()).as("close() returns once the task has given the thread back")
                .isEqualTo("app-pool");
            // The pooled thread is free again, and carries no interrupt of the watch's into the next task.
            Future<Boolean> next = pool.submit(() -> Thread.currentThread().isInterrupted());
            Future<Boolean> other = pool.submit(() -> Thread.currentThread().isInterrupted());
            assertThat(next.get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(other.get(5, TimeUnit.SECONDS)).isFalse();
            etcdTemplate.set("/pooled/key", "two");
            Thread.sleep(300);
            assertThat(deliveredOn).as("nothing delivered after close()").hasSize(1);
        }
        assertThat(pool.isShutdown()).as("the template does not shut the caller's executor down").isFalse();
        pool.shutdown();
    }

    @Test
    void healthChecksReuseTheThreadsOfTheTemplatesExecutor() throws Exception {
        AtomicInteger created = new AtomicInteger();
        List<String> names = new CopyOnWriteArrayList<>();
        ThreadFactory counting = (task) -> {
            created.incrementAndGet();
            Thread thread = new Thread(task, "counted-" + created.get());
            thread.setDaemon(true);
            return thread;
        };
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(etcd.endpoint()).threadFactory(counting)
            .build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(etcdTemplate.health(Duration.ofSeconds(5)).healthy()).isTrue();
                // As a health endpoint is polled: the check's thread is idle again before the next one.
                Thread.sleep(10);
            }
            names.addAll(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter((name) -> name.startsWith("counted-") || name.equals("etcd-health")).toList());
        }
        assertThat(created.get()).as("threads made for 20 health checks").isLessThanOrEqualTo(2);
        assertThat(names).as("a thread gets its name back after a check").doesNotContain("etcd-health");
    }

    @Test
    void aHealthCheckThatRunsOutAnswersDownAndRunsOnAThreadNamedForIt() throws Exception {
        try (dev.etcdspring.test.FaultyEndpoint hanging = dev.etcdspring.test.FaultyEndpoint.stalling();
                EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(hanging.url()).build()) {
            java.util.concurrent.CompletableFuture<EtcdHealth> check = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> etcdTemplate.health(Duration.ofSeconds(2)));
            await().atMost(Duration.ofSeconds(2)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch((thread) -> thread.getName().equals("etcd-health")));
            EtcdHealth down = check.get(10, TimeUnit.SECONDS);
            assertThat(down.healthy()).isFalse();
            assertThat(down.endpoint()).isEqualTo(hanging.url());
            assertThat(down.api()).isEqualTo(EtcdApi.V3);
            assertThat(down.reason()).containsAnyOf("etcd did not answer within PT2S", "timed out");
        }
    }
}
