package dev.etcdspring.core;

import java.time.Instant;
import java.util.List;

/**
 * One node of etcd's keyspace: a key with a value, or a directory with child nodes.
 *
 * <p>On the v3 API a directory is a {@code /}-separated key prefix, and the indices are revisions
 * ({@code createdIndex} is {@code create_revision}, {@code modifiedIndex} is {@code mod_revision}).
 *
 * @param key the absolute key, always starting with {@code /}; {@code "/"} for the root
 * @param value the value; {@code null} for a directory, and for the node of a delete event where the server
 *        sends none
 * @param dir whether this node is a directory
 * @param createdIndex the index at which the node was created; 0 where the server gives none (the root)
 * @param modifiedIndex the index at which the node was last modified; 0 where the server gives none
 * @param ttl the seconds left before the node expires; {@code null} when it has no time to live
 * @param expiration when the node expires; {@code null} when it has no time to live, or the server does not say
 * @param nodes the child nodes of a directory, as listed; empty for a key, and for a directory that was read
 *        without its children
 */
public record EtcdNode(String key, String value, boolean dir, long createdIndex, long modifiedIndex, Long ttl,
        Instant expiration, List<EtcdNode> nodes) {

    /**
     * Creates a node; {@code nodes} is copied and may be {@code null} for none.
     */
    public EtcdNode {
        nodes = (nodes != null) ? List.copyOf(nodes) : List.of();
    }

    /**
     * The last segment of the key: the node's name within its directory; {@code ""} for the root.
     *
     * @return the name, never {@code null}
     */
    public String name() {
        return this.key.substring(this.key.lastIndexOf('/') + 1);
    }
}
