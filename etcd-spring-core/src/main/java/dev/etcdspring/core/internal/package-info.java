/**
 * What the wire protocols share: the protocol interface, key validation, error translation and the HTTP
 * transport with failover. Public only so that {@code core.v2} and {@code core.v3} can reach it; not an API
 * for applications, and it may change without notice.
 */
package dev.etcdspring.core.internal;
