package dev.etcdspring.core.internal;

import java.util.function.Function;
import java.util.function.Supplier;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.observation.DefaultEtcdObservationConvention;
import dev.etcdspring.core.observation.EtcdObservationContext;
import dev.etcdspring.core.observation.EtcdObservationConvention;
import dev.etcdspring.core.observation.EtcdObservationDocumentation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Runs each operation of a template as one {@code etcd.client.requests} observation, or alone when there is no
 * registry to report to (then the operation gets no context, and costs nothing more).
 */
public final class Observations {

    private final Supplier<ObservationRegistry> registry;

    private final Supplier<EtcdObservationConvention> convention;

    private final EtcdApi api;

    /**
     * Creates the wrapper.
     *
     * @param registry supplies the registry at each operation (it may supply {@code null} while there is none), or
     * is {@code null} for none at all
     * @param convention supplies the convention at each operation (or {@code null} for the default), or is
     * {@code null} for the default always
     * @param api the API the template speaks
     */
    public Observations(Supplier<ObservationRegistry> registry, Supplier<EtcdObservationConvention> convention,
            EtcdApi api) {
        this.registry = registry;
        this.convention = convention;
        this.api = api;
    }

    /**
     * Runs one operation as an observation. Without a registry (or with one that records nothing) it runs the
     * operation alone, and passes it no context.
     *
     * @param operation the operation's name
     * @param key the key as the caller gave it, or {@code null}
     * @param action the operation, given the context or {@code null}
     * @param <T> what the operation returns
     * @return what the operation returned
     */
    public <T> T observe(String operation, String key, Function<EtcdObservationContext, T> action) {
        ObservationRegistry registry = registry();
        if (registry == null || registry.isNoop()) {
            return action.apply(null);
        }
        EtcdObservationContext context = new EtcdObservationContext(operation, key, this.api);
        Observation observation = EtcdObservationDocumentation.ETCD_CLIENT_REQUESTS.observation(
                convention(), DefaultEtcdObservationConvention.INSTANCE, () -> context, registry);
        observation.start();
        try (Observation.Scope scope = observation.openScope()) {
            return action.apply(context);
        }
        catch (RuntimeException | Error ex) {
            if (ex instanceof EtcdException etcd) {
                context.noteFailure(etcd);
            }
            observation.error(ex);
            throw ex;
        }
        finally {
            observation.stop();
        }
    }

    /**
     * Starts an observation of something that lasts beyond one call (a held lock, a leadership), stopped by
     * whoever ends it.
     *
     * @param operation the operation's name
     * @param key the key, or {@code null}
     * @return the running observation; a no-op without a registry
     */
    public Running start(String operation, String key) {
        ObservationRegistry registry = registry();
        if (registry == null || registry.isNoop()) {
            return Running.NONE;
        }
        EtcdObservationContext context = new EtcdObservationContext(operation, key, this.api);
        Observation observation = EtcdObservationDocumentation.ETCD_CLIENT_REQUESTS.observation(
                convention(), DefaultEtcdObservationConvention.INSTANCE, () -> context, registry);
        observation.start();
        return new Running(observation);
    }

    /** An observation started by {@link #start}, stopped once. */
    public static final class Running {

        static final Running NONE = new Running(null);

        private final Observation observation;

        private Running(Observation observation) {
            this.observation = observation;
        }

        /**
         * Stops the observation, with the failure that ended it.
         *
         * @param failure what ended it, or {@code null} for a normal end
         */
        public void stop(Throwable failure) {
            if (this.observation == null) {
                return;
            }
            if (failure != null) {
                this.observation.error(failure);
            }
            this.observation.stop();
        }
    }

    /**
     * Notes on the observation a failure the operation turned into an answer ({@code null}, {@code false}).
     *
     * @param context the context, or {@code null} when not observed
     * @param failure the failure
     */
    public static void noteFailure(EtcdObservationContext context, EtcdException failure) {
        if (context != null) {
            context.noteFailure(failure);
        }
    }

    private ObservationRegistry registry() {
        return (this.registry != null) ? this.registry.get() : null;
    }

    private EtcdObservationConvention convention() {
        return (this.convention != null) ? this.convention.get() : null;
    }
}
