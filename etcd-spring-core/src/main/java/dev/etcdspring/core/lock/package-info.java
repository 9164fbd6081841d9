/**
 * Distributed locks with fencing tokens, built by the client on both of etcd's APIs: reached through
 * {@link dev.etcdspring.core.EtcdOperations#opsForLocks()}.
 *
 * <p>A lock is a queue of keys below the lock's name, one per contender, each kept alive by the contender: on v3 a
 * key {@code name/<lease id in hex>} attached to a lease of its own (the layout of etcd's own
 * {@code concurrency.Mutex}, so that {@code etcdctl lock name} and Go services contend for the same lock); on v2
 * an in-order key below the directory {@code name} with a time to live. The contender whose key was created first
 * holds the lock; each other one watches only the key created just before its own, so a holder that leaves wakes
 * one waiter, not all. The fencing token is the holder's key's create revision (v3) or created index (v2).
 */
package dev.etcdspring.core.lock;
