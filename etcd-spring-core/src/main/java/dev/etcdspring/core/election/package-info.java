/**
 * Leader election on both of etcd's APIs, built by the client as a queue of candidates (the same as
 * {@link dev.etcdspring.core.lock a lock's}): reached through
 * {@link dev.etcdspring.core.EtcdOperations#opsForElections()}. The leader is the candidate whose key was created
 * first; its term is that key's create revision (v3) or created index (v2), and grows with every new leader. On v3
 * the keys are {@code election/<lease id in hex>}, as Go's {@code concurrency.Election} and {@code etcdctl elect}
 * write them.
 */
package dev.etcdspring.core.election;
