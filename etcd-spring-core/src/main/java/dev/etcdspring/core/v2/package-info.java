/**
 * etcd's v2 keys API ({@code /v2/keys}) behind {@link dev.etcdspring.core.internal.EtcdProtocol}. Nothing here
 * is part of the public API.
 */
package dev.etcdspring.core.v2;
