package dev.etcdspring.core;

/**
 * What {@link EtcdOperations#health} found.
 *
 * @param healthy whether the member says it is healthy and a linearizable read worked
 * @param endpoint the endpoint that answered, or the one asked when none did
 * @param api the API the template speaks
 * @param serverVersion the member's version; {@code null} when unhealthy
 * @param index the store index (v2) or revision (v3) the read saw; 0 when unhealthy
 * @param clusterId the cluster's id (hex) as the member reports it; {@code null} when unhealthy
 * @param reason why the member is not healthy; {@code null} when healthy
 */
public record EtcdHealth(boolean healthy, String endpoint, EtcdApi api, String serverVersion, long index,
        String clusterId, String reason) {
}
