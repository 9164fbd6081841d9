// One job: ShedLock's LockProvider on etcd, when ShedLock is on the class path and the application has one
// EtcdOperations.
package dev.etcdspring.autoconfigure;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.shedlock.EtcdLockProvider;
import net.javacrumbs.shedlock.core.LockProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of ShedLock on etcd: an {@link EtcdLockProvider} on the application's {@link EtcdOperations}
 * (the auto-configured template, or the application's own), with the keys
 * {@code etcd.coordination.shedlock.prefix + lock name}. It backs off when the application defines any
 * {@link LockProvider} of its own, and is not there without {@code shedlock-core}. {@code @EnableSchedulerLock}
 * ({@code shedlock-spring}) stays the application's to add.
 */
@AutoConfiguration(after = EtcdAutoConfiguration.class)
@ConditionalOnClass(LockProvider.class)
@ConditionalOnSingleCandidate(EtcdOperations.class)
@EnableConfigurationProperties(EtcdShedLockProperties.class)
public final class EtcdShedLockAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(LockProvider.class)
    EtcdLockProvider etcdLockProvider(EtcdOperations etcdOperations, EtcdShedLockProperties properties) {
        return new EtcdLockProvider(etcdOperations, properties.getPrefix());
    }
}
