// One job: Spring Integration on etcd when it is on the class path: a lock registry, a leader initiator for the
// application's candidate, and the leadership in the etcd health details.
package dev.etcdspring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.lock.LockOptions;
import dev.etcdspring.integration.EtcdLeaderInitiator;
import dev.etcdspring.integration.EtcdLockRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Auto-configuration of Spring Integration's coordination on etcd ({@code etcd.coordination.*}), when
 * {@code spring-integration-core} is on the class path and there is one {@link EtcdOperations} bean:
 *
 * <ul>
 * <li>an {@link EtcdLockRegistry} (locks named {@code lock-prefix + key}), unless the application has a
 * {@link LockRegistry} of its own;</li>
 * <li>an {@link EtcdLeaderInitiator} for the application's {@link Candidate} bean (election
 * {@code election-prefix + role}), or, with {@code etcd.coordination.leader.enabled=true} and no candidate, for a
 * {@link DefaultCandidate} of {@code leader.role} and {@code leader.id}; not with
 * {@code etcd.coordination.leader.enabled=false}, nor when the application has a leader initiator of its own
 * (etcd's, Spring Integration's {@code LockRegistryLeaderInitiator}, Zookeeper's or Hazelcast's). It publishes its
 * events to the application's {@link LeaderEventPublisher} bean, if there is one, else as application events;
 * and runs on virtual threads when {@code spring.threads.virtual.enabled=true};</li>
 * <li>the leadership of each {@link EtcdLeaderInitiator} bean (role, id, whether it leads, its term) in the
 * {@code etcd} health contributor's details.</li>
 * </ul>
 */
@AutoConfiguration(after = EtcdAutoConfiguration.class,
        afterName = "org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration")
@ConditionalOnClass(LockRegistry.class)
@ConditionalOnSingleCandidate(EtcdOperations.class)
@EnableConfigurationProperties(EtcdCoordinationProperties.class)
public final class EtcdIntegrationAutoConfiguration {

    private static final String ENABLED = "etcd.coordination.leader.enabled";

    @Bean
    @ConditionalOnMissingBean(LockRegistry.class)
    EtcdLockRegistry etcdLockRegistry(EtcdOperations etcd, EtcdCoordinationProperties properties) {
        return new EtcdLockRegistry(etcd, prefix(properties.getLockPrefix()),
                ttl(properties));
    }

    /** The leader initiator, unless the application has one, of whatever kind. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(type = { "dev.etcdspring.integration.EtcdLeaderInitiator",
            "org.springframework.integration.support.leader.LockRegistryLeaderInitiator",
            "org.springframework.integration.zookeeper.leader.LeaderInitiator",
            "org.springframework.integration.hazelcast.leader.LeaderInitiator" })
    static class EtcdLeaderInitiatorConfiguration {

        @Bean
        @ConditionalOnSingleCandidate(Candidate.class)
        @ConditionalOnBooleanProperty(name = ENABLED, matchIfMissing = true)
        EtcdLeaderInitiator etcdLeaderInitiator(EtcdOperations etcd, Candidate candidate,
                EtcdCoordinationProperties properties, ObjectProvider<LeaderEventPublisher> leaderEventPublisher,
                Environment environment) {
            return initiator(etcd, candidate, properties, leaderEventPublisher, environment);
        }

        @Bean
        @ConditionalOnMissingBean(Candidate.class)
        @ConditionalOnBooleanProperty(ENABLED)
        EtcdLeaderInitiator etcdDefaultCandidateLeaderInitiator(EtcdOperations etcd,
                EtcdCoordinationProperties properties, ObjectProvider<LeaderEventPublisher> leaderEventPublisher,
                Environment environment) {
            EtcdCoordinationProperties.Leader leader = properties.getLeader();
            return initiator(etcd, new DefaultCandidate(leader.getId(), leader.getRole()), properties,
                    leaderEventPublisher, environment);
        }

        private static EtcdLeaderInitiator initiator(EtcdOperations etcd, Candidate candidate,
                EtcdCoordinationProperties properties, ObjectProvider<LeaderEventPublisher> leaderEventPublisher,
                Environment environment) {
            EtcdLeaderInitiator initiator = new EtcdLeaderInitiator(etcd, candidate,
                    prefix(properties.getElectionPrefix()), ttl(properties));
            leaderEventPublisher.ifAvailable(initiator::setLeaderEventPublisher);
            if (Threading.VIRTUAL.isActive(environment)) {
                initiator.setTaskExecutor(new VirtualThreadTaskExecutor("etcd-leader-"));
            }
            return initiator;
        }
    }

    /** The leadership in the etcd health details, when Boot's health support is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class EtcdLeadershipHealthConfiguration {

        @Bean
        EtcdHealthDetails etcdLeadershipHealthDetails(ObjectProvider<EtcdLeaderInitiator> initiators) {
            return new EtcdHealthDetails() {

                @Override
                public String name() {
                    return "leadership";
                }

                /** By role: the candidate's id, whether it leads, and its term while it does. */
                @Override
                public Map<String, Object> details() {
                    Map<String, Object> byRole = new LinkedHashMap<>();
                    initiators.orderedStream().forEach((initiator) -> {
                        EtcdLeaderInitiator.EtcdContext context = initiator.getContext();
                        Map<String, Object> state = new LinkedHashMap<>();
                        state.put("id", context.getId());
                        state.put("election", initiator.getElection());
                        state.put("running", initiator.isRunning());
                        boolean leads = context.isLeader();
                        state.put("leader", leads);
                        long term = context.getTerm();
                        if (leads && term > 0) {
                            state.put("term", term);
                        }
                        byRole.put(context.getRole(), state);
                    });
                    return byRole;
                }
            };
        }
    }

    private static Duration ttl(EtcdCoordinationProperties properties) {
        try {
            return LockOptions.defaults().ttl(properties.getTtl()).getTtl();
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEtcdPropertyException("etcd.coordination.ttl", properties.getTtl(), ex);
        }
    }

    /** An empty property binds as none: no prefix. */
    private static String prefix(String prefix) {
        return (prefix != null) ? prefix : "";
    }
}
