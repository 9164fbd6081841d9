package dev.etcdspring.autoconfigure;

import java.time.Duration;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.test.EtcdClusterExtension;
import dev.etcdspring.test.FaultyEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The {@code etcd} health contributor against a real etcd, one per test: UP with details, DOWN once the etcd process
 * is killed, DOWN within its timeout when etcd hangs, off when disabled, and there for an application's own
 * {@link EtcdOperations}, whatever implements it.
 */
class EtcdHealthContributorTest {

    @RegisterExtension
    final EtcdClusterExtension etcd = EtcdClusterExtension.single();

    private ApplicationContextRunner runner(String endpoints) {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EtcdAutoConfiguration.class,
                    EtcdHealthContributorAutoConfiguration.class))
            .withPropertyValues("etcd.endpoints=" + endpoints, "etcd.health.timeout=1s");
    }

    @Test
    void upWithDetailsThenDownOnceEtcdIsKilled() {
        runner(this.etcd.endpoint()).run((context) -> {
            EtcdHealthIndicator indicator = context.getBean("etcdHealthContributor", EtcdHealthIndicator.class);
            Health up = indicator.health(true);
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("endpoint", this.etcd.endpoint())
                .containsKeys("version", "index", "api")
                .containsEntry("clusterId", context.getBean(EtcdTemplate.class).set("/health/id", "v").clusterId());
            this.etcd.cluster().member(0).kill();
            Health down = indicator.health(true);
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsKey("error");
        });
    }

    @Test
    void downWithinItsTimeoutWhenEtcdHangs() {
        try (FaultyEndpoint hanging = FaultyEndpoint.stalling()) {
            runner(hanging.url()).run((context) -> {
                EtcdHealthIndicator indicator = context.getBean(EtcdHealthIndicator.class);
                Health down = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> indicator.health(true));
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                // Whichever ends first, the indicator's wait or the request's own timeout (both 1 s): a timeout.
                assertThat((String) down.getDetails().get("error")).containsAnyOf("etcd did not answer within PT1S",
                        "timed out");
            });
        }
    }

    @Test
    void offWhenDisabled() {
        runner(this.etcd.endpoint()).withPropertyValues("management.health.etcd.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(EtcdHealthIndicator.class));
    }

    @Test
    void backsOffForTheApplicationsOwnContributor() {
        runner(this.etcd.endpoint())
            .withBean("etcdHealthContributor", org.springframework.boot.health.contributor.HealthIndicator.class,
                    () -> () -> Health.up().build())
            .run((context) -> assertThat(context).doesNotHaveBean(EtcdHealthIndicator.class));
    }

    /** An application's own operations, which the template backs off for: not a template, only the interface. */
    private EtcdOperations ownOperations(EtcdTemplate etcdTemplate) {
        return (EtcdOperations) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { EtcdOperations.class }, (proxy, method, args) -> {
                    try {
                        return method.invoke(etcdTemplate, args);
                    }
                    catch (java.lang.reflect.InvocationTargetException ex) {
                        throw ex.getCause();
                    }
                });
    }

    @Test
    void checksTheApplicationsOwnEtcdOperations() {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).build()) {
            runner("http://127.0.0.1:1")
                .withBean("myEtcd", EtcdOperations.class, () -> ownOperations(etcdTemplate))
                .run((context) -> {
                    assertThat(context).doesNotHaveBean(EtcdTemplate.class);
                    EtcdHealthIndicator indicator = context.getBean("etcdHealthContributor",
                            EtcdHealthIndicator.class);
                    Health up = indicator.health(true);
                    assertThat(up.getStatus()).isEqualTo(Status.UP);
                    assertThat(up.getDetails()).containsEntry("endpoint", this.etcd.endpoint());
                });
        }
    }

    @Test
    void checksEachOfSeveralEtcdOperations() {
        try (EtcdTemplate etcdTemplate = EtcdTemplate.builder().endpoints(this.etcd.endpoint()).build()) {
            runner("http://127.0.0.1:1")
                .withBean("oneEtcd", EtcdOperations.class, () -> ownOperations(etcdTemplate))
                .withBean("otherEtcd", EtcdOperations.class, () -> ownOperations(etcdTemplate))
                .run((context) -> {
                    HealthContributor contributor = context.getBean("etcdHealthContributor",
                            HealthContributor.class);
                    assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
                    CompositeHealthContributor composite = (CompositeHealthContributor) contributor;
                    assertThat(composite.getContributor("oneEtcd")).isInstanceOf(EtcdHealthIndicator.class);
                    assertThat(composite.getContributor("otherEtcd")).isInstanceOf(EtcdHealthIndicator.class);
                });
        }
    }
}
