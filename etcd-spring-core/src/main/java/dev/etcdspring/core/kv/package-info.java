/**
 * etcd's v3 keyspace as v3 clients see it: keys and values as bytes, revisions, ranges, transactions and watches
 * of key ranges. Reached through {@link dev.etcdspring.core.EtcdOperations#opsForKeyValue()}.
 */
package dev.etcdspring.core.kv;
