// One job: the ShedLock auto-configuration: present, backing off, absent, described.
package dev.etcdspring.autoconfigure;

import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.shedlock.EtcdLockProvider;
import dev.etcdspring.test.EtcdClusterExtension;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured ShedLock {@link EtcdLockProvider}: there with ShedLock and an etcd client, on either API
 * against a real etcd, with the prefix of {@code etcd.coordination.shedlock.prefix}; backing off for the
 * application's own {@link LockProvider}; absent without {@code shedlock-core} or without a client.
 */
class EtcdShedLockAutoConfigurationTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EtcdAutoConfiguration.class, EtcdShedLockAutoConfiguration.class))
        .withPropertyValues("etcd.endpoints=" + etcd.endpoint());

    @ParameterizedTest
    @EnumSource(EtcdApi.class)
    void aLockProviderOnTheTemplateLocksInEtcd(EtcdApi api) {
        this.runner.withPropertyValues("etcd.api=" + api.name().toLowerCase()).run((context) -> {
            assertThat(context).hasSingleBean(LockProvider.class);
            LockProvider provider = context.getBean(LockProvider.class);
            assertThat(provider).isInstanceOf(EtcdLockProvider.class);
            SimpleLock lock = provider.lock(config("auto-" + api)).orElseThrow();
            assertThat(provider.lock(config("auto-" + api))).isEmpty();
            EtcdTemplate template = context.getBean(EtcdTemplate.class);
            String key = "shedlock/auto-" + api;
            assertThat((api == EtcdApi.V3) ? template.opsForKeyValue().get(key) : template.get(key))
                .as("the key %s", key).isNotNull();
            lock.unlock();
            assertThat(provider.lock(config("auto-" + api))).isPresent();
        });
    }

    @Test
    void thePrefixIsAProperty() {
        this.runner.withPropertyValues("etcd.coordination.shedlock.prefix=jobs/locks/").run((context) -> {
            EtcdLockProvider provider = context.getBean(EtcdLockProvider.class);
            assertThat(provider.key("nightly")).isEqualTo("jobs/locks/nightly");
            Optional<SimpleLock> lock = provider.lock(config("prefixed"));
            assertThat(lock).isPresent();
            assertThat(context.getBean(EtcdTemplate.class).opsForKeyValue().get("jobs/locks/prefixed")).isNotNull();
            lock.get().unlock();
        });
    }

    @Test
    void backsOffForTheApplicationsLockProvider() {
        LockProvider own = (configuration) -> Optional.empty();
        this.runner.withBean("myLockProvider", LockProvider.class, () -> own).run((context) -> {
            assertThat(context).hasSingleBean(LockProvider.class);
            assertThat(context).doesNotHaveBean(EtcdLockProvider.class);
            assertThat(context.getBean(LockProvider.class)).isSameAs(own);
        });
    }

    @Test
    void isAbsentWithoutShedLock() {
        this.runner.withClassLoader(new FilteredClassLoader(LockProvider.class)).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(EtcdTemplate.class);
            assertThat(context).doesNotHaveBean(EtcdLockProvider.class);
            assertThat(context).doesNotHaveBean(EtcdShedLockProperties.class);
        });
    }

    @Test
    void isAbsentWithoutAnEtcdClient() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EtcdShedLockAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(LockProvider.class);
            });
    }

    @Test
    void thePrefixIsDescribedForTheIde() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            JsonNode prefix = null;
            for (JsonNode property : JsonMapper.builder().build().readTree(in).path("properties")) {
                if (property.path("name").asString().equals("etcd.coordination.shedlock.prefix")) {
                    prefix = property;
                }
            }
            assertThat(prefix).as("etcd.coordination.shedlock.prefix in the metadata").isNotNull();
            assertThat(prefix.path("defaultValue").asString()).isEqualTo("shedlock/")
                .isEqualTo(EtcdLockProvider.DEFAULT_PREFIX);
            assertThat(prefix.path("description").asString()).contains("lock");
        }
    }

    private static LockConfiguration config(String name) {
        return new LockConfiguration(ClockProvider.now(), name, Duration.ofMinutes(1), Duration.ZERO);
    }
}
