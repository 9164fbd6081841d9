package dev.etcdspring.autoconfigure.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * An application with nothing of its own: everything etcd comes from the auto-configuration, as it does for a user
 * who adds the starter.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class EtcdTestApplication {

}
