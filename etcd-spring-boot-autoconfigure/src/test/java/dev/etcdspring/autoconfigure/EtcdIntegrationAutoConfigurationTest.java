// One job: the auto-configuration of Spring Integration's lock registry and leader initiator on etcd, and the
// leadership in the etcd health details, with a real etcd.
package dev.etcdspring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.election.Leader;
import dev.etcdspring.integration.EtcdLeaderInitiator;
import dev.etcdspring.integration.EtcdLockRegistry;
import dev.etcdspring.test.EtcdClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link EtcdIntegrationAutoConfiguration} with {@link ApplicationContextRunner} against a real etcd: the lock
 * registry from {@code etcd.coordination.*} locking in etcd, backing off for the application's; nothing without
 * Spring Integration on the class path or without a template; the leader initiator for a {@link Candidate} bean,
 * granted (an {@link OnGrantedEvent} reaches the application's listener) and shown in the {@code etcd} health
 * details; the default candidate with {@code leader.enabled=true}; none with {@code leader.enabled=false} or beside
 * the application's own initiator; a bad time to live named at start-up.
 */
class EtcdIntegrationAutoConfigurationTest {

    @RegisterExtension
    static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private static final Duration GRANTED = Duration.ofSeconds(10);

    private EtcdTemplate reader;

    @BeforeEach
    void reader() {
        this.reader = EtcdTemplate.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterEach
    void close() {
        this.reader.close();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EtcdAutoConfiguration.class,
                    EtcdHealthContributorAutoConfiguration.class, EtcdIntegrationAutoConfiguration.class))
            .withPropertyValues("etcd.endpoints=" + etcd.endpoint());
    }

    /** The application's listener of leadership events. */
    static final class Events implements ApplicationListener<AbstractLeaderEvent> {

        final List<AbstractLeaderEvent> received = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(AbstractLeaderEvent event) {
            this.received.add(event);
        }

        boolean granted() {
            return this.received.stream().anyMatch(OnGrantedEvent.class::isInstance);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> leadership(Health health, String role) {
        Map<String, Object> byRole = (Map<String, Object>) health.getDetails().get("leadership");
        assertThat(byRole).as("leadership details").isNotNull();
        return (Map<String, Object>) byRole.get(role);
    }

    @Test
    void aLockRegistryFromThePropertiesLocksInEtcd() {
        runner().withPropertyValues("etcd.coordination.lock-prefix=app/locks/", "etcd.coordination.ttl=7s")
            .run((context) -> {
                EtcdLockRegistry registry = context.getBean(EtcdLockRegistry.class);
                assertThat(context.getBean(LockRegistry.class)).isSameAs(registry);
                assertThat(registry.getPrefix()).isEqualTo("app/locks/");
                assertThat(registry.getTtl()).isEqualTo(Duration.ofSeconds(7));
                Lock lock = registry.obtain("nightly");
                lock.lock();
                try {
                    assertThat(this.reader.opsForLocks().holder("app/locks/nightly")).isPresent();
                }
                finally {
                    lock.unlock();
                }
                assertThat(this.reader.opsForLocks().holder("app/locks/nightly")).isEmpty();
                assertThat(context).doesNotHaveBean(EtcdLeaderInitiator.class);
            });
    }

    @Test
    void theDefaultsAreLocksAndFifteenSeconds() {
        runner().run((context) -> {
            EtcdLockRegistry registry = context.getBean(EtcdLockRegistry.class);
            assertThat(registry.getPrefix()).isEqualTo("locks/");
            assertThat(registry.getTtl()).isEqualTo(Duration.ofSeconds(15));
        });
    }

    @Test
    void backsOffForTheApplicationsOwnLockRegistry() {
        runner().withBean("myLocks", LockRegistry.class, DefaultLockRegistry::new).run((context) -> {
            assertThat(context).doesNotHaveBean(EtcdLockRegistry.class);
            assertThat(context.getBean(LockRegistry.class)).isInstanceOf(DefaultLockRegistry.class);
        });
    }

    @Test
    void nothingWithoutSpringIntegrationOnTheClassPath() {
        runner().withClassLoader(new FilteredClassLoader(LockRegistry.class))
            .withBean(Candidate.class, () -> new DefaultCandidate("a", "filtered"))
            .withPropertyValues("etcd.coordination.leader.enabled=true")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).hasSingleBean(EtcdTemplate.class);
                assertThat(context).doesNotHaveBean(EtcdLockRegistry.class);
                assertThat(context).doesNotHaveBean(EtcdLeaderInitiator.class);
                assertThat(context).doesNotHaveBean(EtcdCoordinationProperties.class);
            });
    }

    @Test
    void nothingWithoutAnEtcdTemplate() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EtcdIntegrationAutoConfiguration.class))
            .withBean(Candidate.class, () -> new DefaultCandidate("a", "no-template"))
            .run((context) -> {
                assertThat(context).doesNotHaveBean(EtcdLockRegistry.class);
                assertThat(context).doesNotHaveBean(EtcdLeaderInitiator.class);
            });
    }

    @Test
    void noLeaderInitiatorWithoutACandidateAndTheHealthShowsNoLeadership() {
        runner().run((context) -> {
            assertThat(context).doesNotHaveBean(EtcdLeaderInitiator.class);
            Health health = context.getBean("etcdHealthContributor", EtcdHealthIndicator.class).health(true);
            assertThat(health.getDetails()).containsKey("version").doesNotContainKey("leadership");
        });
    }

    @Test
    void theApplicationsCandidateIsGrantedTheEventReachesItsListenerAndTheHealthShowsTheLeadership() {
        runner().withPropertyValues("etcd.coordination.election-prefix=app/elections/")
            .withBean(Candidate.class, () -> new DefaultCandidate("node-1", "billing"))
            .withBean(Events.class, Events::new)
            .run((context) -> {
                EtcdLeaderInitiator initiator = context.getBean(EtcdLeaderInitiator.class);
                assertThat(initiator.getElection()).isEqualTo("app/elections/billing");
                assertThat(initiator.getTtl()).isEqualTo(Duration.ofSeconds(15));
                Events events = context.getBean(Events.class);
                await().atMost(GRANTED).until(events::granted);
                OnGrantedEvent granted = (OnGrantedEvent) events.received.get(0);
                assertThat(granted.getRole()).isEqualTo("billing");
                assertThat(granted.getSource()).isSameAs(initiator);
                Leader leader = this.reader.opsForElections().leader("app/elections/billing").orElseThrow();
                assertThat(leader.value()).isEqualTo("node-1");
                Health health = context.getBean("etcdHealthContributor", EtcdHealthIndicator.class).health(true);
                assertThat(leadership(health, "billing")).containsEntry("id", "node-1")
                    .containsEntry("leader", true)
                    .containsEntry("term", leader.term())
                    .containsEntry("election", "app/elections/billing");
                initiator.stop();
                assertThat(leadership(context.getBean(EtcdHealthIndicator.class).health(true), "billing"))
                    .containsEntry("leader", false)
                    .containsEntry("running", false)
                    .doesNotContainKey("term");
                assertThat(this.reader.opsForElections().leader("app/elections/billing")).isEmpty();
            });
    }

    @Test
    void enabledWithoutACandidateCampaignsWithTheDefaultCandidateOfTheProperties() {
        runner().withPropertyValues("etcd.api=v2", "etcd.coordination.leader.enabled=true",
                "etcd.coordination.leader.role=reports", "etcd.coordination.leader.id=host-7",
                "etcd.coordination.ttl=5s")
            .run((context) -> {
                EtcdLeaderInitiator initiator = context.getBean(EtcdLeaderInitiator.class);
                assertThat(initiator.getCandidate()).isInstanceOf(DefaultCandidate.class);
                assertThat(initiator.getElection()).isEqualTo("elections/reports");
                assertThat(initiator.getTtl()).isEqualTo(Duration.ofSeconds(5));
                await().atMost(GRANTED).until(() -> initiator.getContext().isLeader());
                try (EtcdTemplate v2 = EtcdTemplate.builder().endpoints(etcd.endpoint())
                    .api(dev.etcdspring.core.EtcdApi.V2).build()) {
                    assertThat(v2.opsForElections().leader("elections/reports").orElseThrow().value())
                        .isEqualTo("host-7");
                }
            });
    }

    @Test
    void enabledWithoutAnIdCampaignsWithARandomOne() {
        runner().withPropertyValues("etcd.coordination.leader.enabled=true").run((context) -> {
            EtcdLeaderInitiator initiator = context.getBean(EtcdLeaderInitiator.class);
            assertThat(initiator.getElection()).isEqualTo("elections/leader");
            assertThat(initiator.getCandidate().getId()).hasSize(36);
        });
    }

    @Test
    void disabledMeansNoInitiatorEvenForACandidate() {
        runner().withPropertyValues("etcd.coordination.leader.enabled=false")
            .withBean(Candidate.class, () -> new DefaultCandidate("a", "disabled"))
            .run((context) -> assertThat(context).doesNotHaveBean(EtcdLeaderInitiator.class));
    }

    @Test
    void backsOffForTheApplicationsOwnLeaderInitiator() {
        runner().withBean(Candidate.class, () -> new DefaultCandidate("a", "own"))
            .withBean("myInitiator", LockRegistryLeaderInitiator.class,
                    () -> new LockRegistryLeaderInitiator(new DefaultLockRegistry(), new DefaultCandidate("b", "own")))
            .run((context) -> {
                assertThat(context).doesNotHaveBean(EtcdLeaderInitiator.class);
                assertThat(context).hasSingleBean(LockRegistryLeaderInitiator.class);
            });
        runner().withBean(Candidate.class, () -> new DefaultCandidate("a", "own-etcd"))
            .withBean("myEtcdInitiator", EtcdLeaderInitiator.class,
                    () -> new EtcdLeaderInitiator(this.reader, new DefaultCandidate("b", "own-etcd")))
            .run((context) -> assertThat(context).getBeanNames(EtcdLeaderInitiator.class)
                .containsExactly("myEtcdInitiator"));
    }

    @Test
    void theApplicationsLeaderEventPublisherGetsTheEvents() {
        List<String> published = new CopyOnWriteArrayList<>();
        LeaderEventPublisher publisher = new LeaderEventPublisher() {

            @Override
            public void publishOnGranted(Object source, Context context, String role) {
                published.add("granted " + role);
            }

            @Override
            public void publishOnRevoked(Object source, Context context, String role) {
                published.add("revoked " + role);
            }

            @Override
            public void publishOnFailedToAcquire(Object source, Context context, String role) {
                published.add("failed " + role);
            }
        };
        runner().withBean(Candidate.class, () -> new DefaultCandidate("a", "published"))
            .withBean(LeaderEventPublisher.class, () -> publisher)
            .run((context) -> await().atMost(GRANTED).until(() -> published.contains("granted published")));
        assertThat(published).as("the context's close revokes").containsExactly("granted published",
                "revoked published");
    }

    @Test
    void aTimeToLiveThatIsNotWholeSecondsFailsTheStartNamingTheProperty() {
        runner().withPropertyValues("etcd.coordination.ttl=1500ms").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalArgumentException.class);
            Throwable failure = context.getStartupFailure();
            while (failure != null && !(failure instanceof InvalidEtcdPropertyException)) {
                failure = failure.getCause();
            }
            assertThat(failure).isNotNull();
            assertThat(((InvalidEtcdPropertyException) failure).getProperty()).isEqualTo("etcd.coordination.ttl");
        });
    }

    @Test
    void severalTemplatesMeanNoCoordinationBeans() {
        runner().withBean("one", EtcdOperations.class, () -> EtcdTemplate.builder().endpoints(etcd.endpoint()).build())
            .withBean("two", EtcdOperations.class, () -> EtcdTemplate.builder().endpoints(etcd.endpoint()).build())
            .run((context) -> assertThat(context).doesNotHaveBean(EtcdLockRegistry.class));
    }
}
