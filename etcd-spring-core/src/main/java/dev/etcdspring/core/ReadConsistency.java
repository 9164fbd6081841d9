package dev.etcdspring.core;

/**
 * How a read that does not choose for itself ({@link ReadOptions#quorum(boolean)}) sees the cluster: the default
 * of a template, set with {@link EtcdTemplate.Builder#readConsistency(ReadConsistency)}.
 */
public enum ReadConsistency {

    /**
     * Every read goes through the cluster's consensus and sees every write that completed before it: {@code quorum}
     * reads on v2, linearizable ranges on v3. The default.
     */
    LINEARIZABLE,

    /**
     * Every read is answered by the member asked from its own copy: faster, and it works without a leader, but a
     * follower may answer with data that is behind (serializable ranges on v3, non-quorum reads on v2).
     */
    SERIALIZABLE
}
