/**
 * {@code spring.config.import=etcd:...}: an etcd directory tree as Spring configuration, through Spring Boot's
 * ConfigData API. The resolver turns {@code etcd:} locations into paths, the loader reads each path with one
 * recursive read into an {@link dev.etcdspring.config.EtcdPropertySource}.
 */
package dev.etcdspring.config;
