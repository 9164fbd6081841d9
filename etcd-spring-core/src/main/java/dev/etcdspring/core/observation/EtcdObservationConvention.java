package dev.etcdspring.core.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names an {@code etcd.client.requests} observation and its key values. Implement it (or extend
 * {@link DefaultEtcdObservationConvention}) and give it to
 * {@link dev.etcdspring.core.EtcdTemplate.Builder#observationConvention(EtcdObservationConvention)}, or declare it
 * as a bean in a Spring Boot application, to change the tags of the timer.
 */
public interface EtcdObservationConvention extends ObservationConvention<EtcdObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof EtcdObservationContext;
    }
}
