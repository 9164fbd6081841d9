package dev.etcdspring.core;

/**
 * The versions an etcd member reports.
 *
 * @param server the version of the etcd server answering, such as {@code "3.4.23"}
 * @param cluster the version the cluster runs at, such as {@code "3.4.0"}
 */
public record EtcdVersion(String server, String cluster) {
}
