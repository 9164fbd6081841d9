package dev.etcdspring.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

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

    /**
     * The SSL bundle with the certificates to trust and, for etcd's {@code --client-cert-auth}, the client's own.
     * With one, every endpoint must be https; without one, https endpoints are checked against the JVM's default
     * trust store.
     *
     * @return the SSL bundle, or {@code null} for none
     */
    default SslBundle getSslBundle() {
        return null;
    }
}
