/**
 * etcd's v3 JSON gateway ({@code /v3/...}) behind {@link dev.etcdspring.core.internal.EtcdProtocol}: directories
 * as {@code /}-separated key prefixes, preconditions as transactions, time to live as leases. Nothing here is
 * part of the public API.
 */
package dev.etcdspring.core.v3;
