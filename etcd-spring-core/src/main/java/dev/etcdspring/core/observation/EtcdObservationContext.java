package dev.etcdspring.core.observation;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import io.micrometer.observation.Observation;

/**
 * What one {@link dev.etcdspring.core.EtcdTemplate} operation is about, for an {@link EtcdObservationConvention}:
 * the operation, the key, the API, and etcd's error code when etcd answered with one, including the codes the
 * template turns into return values (100 for a {@code get} that returns {@code null}, 101 for a
 * {@code compareAndSet} that returns {@code false}).
 */
public class EtcdObservationContext extends Observation.Context {

    private final String operation;

    private final String key;

    private final EtcdApi api;

    private int errorCode;

    private boolean outcomeUnknown;

    private int attempts;

    /**
     * Creates the context of one operation.
     *
     * @param operation the operation's name, such as {@code get}, {@code set} or {@code swap}
     * @param key the key or directory as the caller gave it, {@code null} for the root or for none
     * @param api the API the template speaks
     */
    public EtcdObservationContext(String operation, String key, EtcdApi api) {
        this.operation = operation;
        this.key = key;
        this.api = api;
    }

    /**
     * The operation's name: {@code get}, {@code tree}, {@code set}, {@code create}, {@code cas}, {@code delete},
     * {@code delete-all}, {@code swap}, {@code health}, {@code version} or {@code members}.
     *
     * @return the operation
     */
    public String getOperation() {
        return this.operation;
    }

    /**
     * The key or directory the operation is about, as the caller gave it.
     *
     * @return the key, or {@code null} for the root or an operation without a key
     */
    public String getKey() {
        return this.key;
    }

    /**
     * The API the template speaks.
     *
     * @return the API
     */
    public EtcdApi getApi() {
        return this.api;
    }

    /**
     * etcd's error code (on both APIs, the v2 code for the condition), when etcd answered with one.
     *
     * @return the code, or 0 when there was none
     */
    public int getErrorCode() {
        return this.errorCode;
    }

    /**
     * Whether the operation failed in a way that leaves it unknown whether etcd applied it.
     *
     * @return whether the outcome is unknown
     */
    public boolean isOutcomeUnknown() {
        return this.outcomeUnknown;
    }

    /**
     * How many compare-and-sets a {@code swap} tried.
     *
     * @return the attempts, 0 for other operations
     */
    public int getAttempts() {
        return this.attempts;
    }

    /**
     * Records how many compare-and-sets a {@code swap} has tried so far.
     *
     * @param attempts the attempts
     */
    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    /**
     * Records what an etcd failure says: its error code and whether its outcome is unknown. The template calls it
     * for failures it throws and for those it turns into return values.
     *
     * @param failure the failure
     */
    public void noteFailure(EtcdException failure) {
        this.errorCode = failure.getErrorCode();
        this.outcomeUnknown = failure.isOutcomeUnknown();
    }
}
