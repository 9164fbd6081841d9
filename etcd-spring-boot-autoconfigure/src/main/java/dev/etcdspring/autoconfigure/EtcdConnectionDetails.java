package dev.etcdspring.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Details required to establish a connection to an etcd cluster: from {@code etcd.*} properties by default, or
 * from a service connection.
 */
public interface EtcdConnectionDetails extends ConnectionDetails {

    /**
     * The base URLs of the etcd members.
     *
     * @return the endpoints, at least one
     */
    List<String> getEndpoints();

    /**
     * The login user.
     *
     * @return the user, or {@code null} for none
     */
    default String getUsername() {
        return null;
    }

    /**
     * The login password.
     *
     * @return the password, or {@code null} for none
     */
    default String getPassword() {
        return null;
    }
}
