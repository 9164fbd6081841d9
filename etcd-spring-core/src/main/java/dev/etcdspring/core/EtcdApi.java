package dev.etcdspring.core;

/**
 * The HTTP API of etcd that an {@link EtcdTemplate} speaks. Both are reached through the same
 * {@link EtcdOperations}; the keyspaces behind them are separate on the server (a key written through one
 * is invisible to the other).
 */
public enum EtcdApi {

    /**
     * The v2 keys API ({@code /v2/keys}): etcd 2.x to 3.5; etcd 3.4 and 3.5 serve it only with
     * {@code --enable-v2=true}, and etcd 3.6 removed it.
     */
    V2,

    /**
     * The v3 JSON gateway ({@code /v3/...}): etcd 3.4 and later, the only API of etcd 3.6+.
     */
    V3
}
