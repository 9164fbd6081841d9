/**
 * Micrometer Observation of {@link dev.etcdspring.core.EtcdTemplate} operations: one {@code etcd.client.requests}
 * observation per operation, its context, its documentation and its overridable convention.
 */
package dev.etcdspring.core.observation;
