package dev.etcdspring.core.internal;

/**
 * A user name and password for etcd's authentication. {@link #toString()} never shows the password.
 *
 * @param username the user name
 * @param password the password
 */
public record EtcdCredentials(String username, String password) {

    @Override
    public String toString() {
        return "EtcdCredentials[username=" + this.username + ", password=(hidden)]";
    }
}
