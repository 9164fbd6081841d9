package dev.etcdspring.autoconfigure;

import java.util.List;

/**
 * {@link EtcdConnectionDetails} from {@link EtcdProperties}.
 */
final class PropertiesEtcdConnectionDetails implements EtcdConnectionDetails {

    private final EtcdProperties properties;

    PropertiesEtcdConnectionDetails(EtcdProperties properties) {
        this.properties = properties;
    }

    @Override
    public List<String> getEndpoints() {
        return List.copyOf(this.properties.getEndpoints());
    }

    @Override
    public String getUsername() {
        return this.properties.getUsername();
    }

    @Override
    public String getPassword() {
        return this.properties.getPassword();
    }
}
