/**
 * {@code @ServiceConnection} support for etcd in Testcontainers: loaded by Spring Boot from
 * {@code META-INF/spring.factories} only when {@code spring-boot-testcontainers} is on the class path.
 */
package dev.etcdspring.autoconfigure.testcontainers;
