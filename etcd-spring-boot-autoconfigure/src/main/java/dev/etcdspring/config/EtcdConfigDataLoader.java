package dev.etcdspring.config;

import java.time.Duration;
import java.util.List;

import dev.etcdspring.core.EtcdBackoff;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNotDirectoryException;
import org.apache.commons.logging.Log;

import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

/**
 * Loads one etcd path into an {@link EtcdPropertySource} with one read, retried while etcd cannot be reached
 * ({@code etcd.config.retry.*}). A path that does not exist fails the start unless the location is
 * {@code optional:} or the path is a profile's; etcd out of reach fails it with a message naming the path and the
 * endpoints, unless the location is optional or {@code etcd.config.fail-fast=false}.
 */
public class EtcdConfigDataLoader implements ConfigDataLoader<EtcdConfigDataResource> {

    private final Log logger;

    /**
     * Created by Spring Boot.
     *
     * @param logFactory the log factory of the start-up, which logs once logging is set up
     */
    public EtcdConfigDataLoader(DeferredLogFactory logFactory) {
        this.logger = logFactory.getLog(EtcdConfigDataLoader.class);
    }

    @Override
    public ConfigData load(ConfigDataLoaderContext context, EtcdConfigDataResource resource)
            throws ConfigDataResourceNotFoundException {
        EtcdConfigClient client = context.getBootstrapContext().get(EtcdConfigClient.class);
        EtcdConfigProperties config = context.getBootstrapContext().get(EtcdConfigProperties.class);
        EtcdPropertySource.Snapshot snapshot;
        long start = System.nanoTime();
        try {
            snapshot = readWithRetry(client, config, resource);
            if (this.logger.isDebugEnabled()) {
                this.logger.debug("Loaded " + snapshot.values().size() + " properties from etcd path "
                        + resource.getPath() + " at index " + snapshot.index() + " in "
                        + (System.nanoTime() - start) / 1_000_000 + " ms");
            }
        }
        catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
            if (!resource.isMayBeAbsent() && !resource.isOptionalPath()) {
                throw new ConfigDataResourceNotFoundException(resource, ex);
            }
            // Kept, empty, so that keys written there later have a source to appear in, and are watched.
            snapshot = EtcdPropertySource.Snapshot.empty(ex.getIndex());
        }
        catch (EtcdException ex) {
            client.setUnreachable(true);
            String message = "Could not load configuration from etcd path " + resource.getPath() + " at "
                    + client.getEndpoints() + ": " + ex.getMessage();
            if (resource.isOptionalPath() || !config.isFailFast()) {
                this.logger.warn(message + "; going on without it, as "
                        + (resource.isOptionalPath() ? "the path is optional" : "etcd.config.fail-fast=false")
                        + ", and applying it once etcd answers");
                // Index 0: nothing read yet. The watch starts from whatever etcd holds when it answers.
                snapshot = EtcdPropertySource.Snapshot.empty(0);
            }
            else {
                throw new EtcdConfigDataException(message, resource.getPath(), client.getEndpoints(), ex);
            }
        }
        return new ConfigData(List.of(new EtcdPropertySource(resource.getPropertySourceName(), resource.getPath(),
                resource.getFormat(), snapshot)));
    }

    private EtcdPropertySource.Snapshot readWithRetry(EtcdConfigClient client, EtcdConfigProperties config,
            EtcdConfigDataResource resource) {
        EtcdConfigProperties.Retry retry = config.getRetry();
        // Once a path found etcd out of reach after all the attempts, the optional paths of the start try once; a
        // mandatory one still tries them all before it stops the start.
        boolean optional = resource.isOptionalPath() || resource.isMayBeAbsent();
        int attempts = (client.isUnreachable() && optional) ? 1 : retry.getMaxAttempts();
        RetryPolicy policy = RetryPolicy.builder()
            .backOff(backoff(retry, attempts))
            .predicate(EtcdConfigDataLoader::isWorthRetrying)
            .build();
        try {
            return new RetryTemplate(policy).execute(
                    () -> EtcdConfigReader.read(client.getTemplate(), resource.getPath(), resource.getFormat()));
        }
        catch (RetryException ex) {
            Throwable last = ex.getLastException();
            if (last instanceof EtcdException etcd) {
                if (ex.getRetryCount() > 0) {
                    throw new EtcdAfterRetriesException(etcd, ex.getRetryCount() + 1);
                }
                throw etcd;
            }
            if (last instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(last);
        }
    }

    /**
     * The pauses between the attempts of {@code etcd.config.retry.*}: the client's one backoff, with no jitter, one
     * pause fewer than the attempts (the policy takes the number of retries from the backoff, which stops after
     * them, and refuses {@code maxRetries} beside a backoff of its own). As Spring's exponential backoff, which
     * the policy used before, an initial interval above the maximum is the maximum, and a zero one as short as
     * the client's backoff allows (1 ms).
     */
    static EtcdBackoff backoff(EtcdConfigProperties.Retry retry, int attempts) {
        Duration max = retry.getMaxInterval();
        Duration initial = retry.getInitialInterval();
        if (initial != null && initial.isZero()) {
            initial = Duration.ofMillis(1);
        }
        if (initial != null && max != null && initial.compareTo(max) > 0 && !max.isNegative() && !max.isZero()) {
            initial = max;
        }
        return EtcdBackoff.exponential(initial, max)
            .multiplier(retry.getMultiplier())
            .maxAttempts(Math.max(0, attempts - 1));
    }

    /** Failures that another attempt may not meet: no answer, or a member without leader or quorum. */
    private static boolean isWorthRetrying(Throwable failure) {
        return failure instanceof EtcdException etcd && (etcd.getHttpStatus() == 0 || etcd.getHttpStatus() >= 500);
    }

    /** The last failure of a load, saying how many attempts it took. */
    private static final class EtcdAfterRetriesException extends EtcdException {

        EtcdAfterRetriesException(EtcdException last, int attempts) {
            super(last.getMessage() + " (" + attempts + " attempts)",
                    last.getDetails().toBuilder().outcomeUnknown(false).build(),
                    last);
        }
    }
}
