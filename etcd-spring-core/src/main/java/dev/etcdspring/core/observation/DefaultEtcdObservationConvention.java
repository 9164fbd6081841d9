package dev.etcdspring.core.observation;

import java.util.Locale;

import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdTransportException;
import dev.etcdspring.core.lock.EtcdLockLostException;
import dev.etcdspring.core.lock.EtcdLockTimeoutException;
import dev.etcdspring.core.observation.EtcdObservationDocumentation.HighCardinalityKeyNames;
import dev.etcdspring.core.observation.EtcdObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link EtcdObservationConvention}: the observation {@code etcd.client.requests}, tagged with the
 * operation, the API, the outcome and etcd's error code; the key only as a high-cardinality value.
 */
public class DefaultEtcdObservationConvention implements EtcdObservationConvention {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "etcd.client.requests";

    /** The convention a template uses unless it is given another. */
    public static final DefaultEtcdObservationConvention INSTANCE = new DefaultEtcdObservationConvention();

    private static final KeyValue NO_ERROR_CODE = KeyValue.of(LowCardinalityKeyNames.ERROR_CODE, "none");

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(EtcdObservationContext context) {
        return "etcd " + context.getOperation();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(EtcdObservationContext context) {
        return KeyValues.of(KeyValue.of(LowCardinalityKeyNames.OPERATION, context.getOperation()),
                KeyValue.of(LowCardinalityKeyNames.API, context.getApi().name().toLowerCase(Locale.ROOT)),
                KeyValue.of(LowCardinalityKeyNames.OUTCOME, outcome(context)), errorCode(context));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(EtcdObservationContext context) {
        String key = (context.getKey() != null) ? context.getKey() : "/";
        return KeyValues.of(KeyValue.of(HighCardinalityKeyNames.KEY, key));
    }

    /**
     * The outcome of the operation, from what it threw.
     *
     * @param context the context
     * @return the outcome
     */
    protected String outcome(EtcdObservationContext context) {
        Throwable error = context.getError();
        if (error == null) {
            return "SUCCESS";
        }
        if (context.isOutcomeUnknown()) {
            return "UNKNOWN";
        }
        if (error instanceof EtcdLockTimeoutException) {
            return "TIMEOUT";
        }
        if (error instanceof EtcdLockLostException) {
            return "LOST";
        }
        if (error instanceof EtcdTransportException) {
            return "TRANSPORT_ERROR";
        }
        if (error instanceof EtcdException) {
            return "ETCD_ERROR";
        }
        if (error instanceof IllegalArgumentException) {
            return "CLIENT_ERROR";
        }
        return "ERROR";
    }

    private static KeyValue errorCode(EtcdObservationContext context) {
        return (context.getErrorCode() != 0)
                ? KeyValue.of(LowCardinalityKeyNames.ERROR_CODE, Integer.toString(context.getErrorCode()))
                : NO_ERROR_CODE;
    }
}
