// One job: details that the etcd health contributor shows beside etcd's own, such as the leadership held.
package dev.etcdspring.autoconfigure;

import java.util.Map;

/**
 * Details the {@code etcd} health contributor shows beside etcd's own: a bean of this type adds its
 * {@link #details()} under its {@link #name()} to every etcd health check, whatever etcd's status. The
 * auto-configuration of Spring Integration's leader initiator defines one for the leadership.
 */
public interface EtcdHealthDetails {

    /**
     * The name the details appear under.
     *
     * @return the name
     */
    String name();

    /**
     * The details now.
     *
     * @return the details; nothing is shown for an empty map
     */
    Map<String, Object> details();
}
