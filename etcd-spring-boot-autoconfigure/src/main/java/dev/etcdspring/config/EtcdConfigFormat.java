package dev.etcdspring.config;

/**
 * How the keys under an imported path hold configuration.
 */
public enum EtcdConfigFormat {

    /**
     * One key per property: {@code /config/myapp/server/port} is {@code server.port}, a numeric segment a list
     * index ({@code servers/0/host} is {@code servers[0].host}).
     */
    KEY_VALUE,

    /** The path is one key whose value is a YAML document (several, separated by {@code ---}, are merged). */
    YAML,

    /** The path is one key whose value is a {@code .properties} document. */
    PROPERTIES
}
