package dev.etcdspring.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application: a small web application that keeps a visit counter in etcd. The starter's
 * auto-configuration provides the {@code EtcdTemplate} from {@code etcd.*} properties ({@code etcd.endpoints},
 * {@code etcd.api}).
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
