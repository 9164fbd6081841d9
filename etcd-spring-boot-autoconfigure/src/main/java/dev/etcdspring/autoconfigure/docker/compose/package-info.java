/**
 * {@code @ServiceConnection} support for etcd in Docker Compose: loaded by Spring Boot from
 * {@code META-INF/spring.factories} only when {@code spring-boot-docker-compose} is on the class path.
 */
package dev.etcdspring.autoconfigure.docker.compose;
