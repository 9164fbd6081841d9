/**
 * The Spring Boot auto-configuration of etcd: {@code etcd.*} properties, connection details and the
 * {@link dev.etcdspring.core.EtcdTemplate} bean.
 */
package dev.etcdspring.autoconfigure;
