package dev.etcdspring.sample;

import java.util.List;

import dev.etcdspring.core.EtcdTemplate;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The sample application: a small web application that keeps a visit counter in etcd.
 *
 * <p>Until the starter's auto-configuration arrives, the {@link EtcdTemplate} is built here from
 * {@code etcd.endpoints} (comma-separated, default {@code http://127.0.0.1:2379}).
 */
@SpringBootApplication
public class SampleApplication {

    /**
     * The etcd client of the application.
     *
     * @param endpoints the etcd endpoints
     * @return the template
     */
    @Bean
    EtcdTemplate etcdTemplate(@Value("${etcd.endpoints:http://127.0.0.1:2379}") List<String> endpoints) {
        return EtcdTemplate.builder().endpoints(endpoints).build();
    }

    /**
     * Starts the sample application.
     *
     * @param args command-line arguments, passed to Spring Boot
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
