package dev.etcdspring.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application: a minimal Spring Boot application that uses etcd-spring-boot-starter.
 */
@SpringBootApplication
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
