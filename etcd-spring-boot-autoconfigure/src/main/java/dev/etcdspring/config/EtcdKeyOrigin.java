package dev.etcdspring.config;

import org.springframework.boot.origin.Origin;

/**
 * Where a property came from: an etcd key. Shown by {@code /actuator/configprops} and {@code /actuator/env}, and in
 * binding errors, as {@code etcd key /config/myapp/server/port}.
 *
 * @param key the etcd key that holds the property
 */
public record EtcdKeyOrigin(String key) implements Origin {

    @Override
    public String toString() {
        return "etcd key " + this.key;
    }
}
