package dev.etcdspring.core;

/**
 * The raw answer to one etcd operation: the node acted on, the node before the action where there was one,
 * and the server's metadata.
 *
 * <p>On the v2 API the metadata comes from the {@code X-Etcd-*} and {@code X-Raft-*} headers; on the v3 API
 * {@code etcdIndex} is the header's revision, {@code raftTerm} its raft term and {@code clusterId} its cluster
 * id. Actions use the v2 words on both APIs: {@code get}, {@code set}, {@code create}, {@code update},
 * {@code compareAndSwap}, {@code delete}, {@code compareAndDelete}, {@code expire}.
 *
 * @param action what the server did, such as {@code "get"} or {@code "compareAndSwap"}
 * @param node the node the action produced or read; for a delete, the deleted key with no value
 * @param prevNode the node as it was before the action; {@code null} when there was none or the server does not
 *        say
 * @param etcdIndex the store index (v2) or revision (v3) the answer reflects; 0 when the server does not say
 * @param raftIndex the raft commit index (v2 only; 0 where the server does not say)
 * @param raftTerm the raft term; 0 when the server does not say
 * @param clusterId the cluster id in hexadecimal; {@code null} when the server does not say
 * @param httpStatus the HTTP status of the answer
 */
public record EtcdResponse(String action, EtcdNode node, EtcdNode prevNode, long etcdIndex, long raftIndex,
        long raftTerm, String clusterId, int httpStatus) {
}
