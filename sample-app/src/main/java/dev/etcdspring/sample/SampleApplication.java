package dev.etcdspring.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The sample application: its configuration ({@link SampleProperties}) lives in etcd, imported with
 * {@code spring.config.import=optional:etcd:/config/sample-app/} and kept live; a visit counter is kept in etcd
 * with {@code swap}; the instances elect a leader in etcd ({@link LeaderElection}), and a scheduled job runs on the
 * leader only ({@link LeaderJob}); a page at {@code /} shows all of it and updates itself. The starter provides the
 * {@code EtcdTemplate}, the import, the health contributor and the metrics, from {@code etcd.*} properties
 * ({@code --etcd.endpoints=...}, {@code --etcd.api=v2|v3}).
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
@EnableScheduling
public class SampleApplication {

    /**
     * Starts the sample application.
     *
     * @param args command-line arguments, passed to Spring Boot
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
