package dev.etcdspring.core.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations an {@link dev.etcdspring.core.EtcdTemplate} makes, and their key names.
 */
public enum EtcdObservationDocumentation implements ObservationDocumentation {

    /**
     * One operation of the template, from its call to its return, retries and failover included.
     */
    ETCD_CLIENT_REQUESTS {

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultEtcdObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeyNames.values();
        }
    };

    /**
     * Key values with a few possible values each: they become timer tags.
     */
    public enum LowCardinalityKeyNames implements KeyName {

        /**
         * The operation. The directory API's: {@code get}, {@code tree}, {@code set}, {@code create}, {@code cas},
         * {@code swap}, {@code delete}, {@code delete-all}; the template's: {@code health}, {@code version},
         * {@code members}. The v3-native key-value operations' ({@code opsForKeyValue()}): {@code range} (each page
         * of a scan, and a watch's reads of where to start and of a resync), {@code put}, {@code delete-range},
         * {@code txn}. The lease operations' ({@code opsForLeases()}): {@code lease-grant}, {@code keep-alive} (each
         * renewal, also a kept-alive lease's), {@code revoke} (also a kept-alive lease's close),
         * {@code time-to-live}, {@code leases}.
         */
        OPERATION {
            @Override
            public String asString() {
                return "etcd.operation";
            }
        },

        /** The API: {@code v2} or {@code v3}. */
        API {
            @Override
            public String asString() {
                return "etcd.api";
            }
        },

        /**
         * {@code SUCCESS}; {@code ETCD_ERROR} when etcd refused; {@code UNKNOWN} when it may or may not have
         * applied a write; {@code TRANSPORT_ERROR} when no endpoint answered; {@code CLIENT_ERROR} when the
         * template refused the input; {@code TIMEOUT} when a wait for a lock or leadership ran out ({@code lock-acquire},
         * {@code campaign}); {@code LOST} when a held lock or leadership ended by loss ({@code lock-hold},
         * {@code leadership}); {@code ERROR} otherwise.
         */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        },

        /** etcd's error code, such as {@code 100} (key not found) or {@code 101} (compare failed); {@code none}. */
        ERROR_CODE {
            @Override
            public String asString() {
                return "etcd.error.code";
            }
        }
    }

    /**
     * Key values with many possible values: they go to traces, never to timer tags.
     */
    public enum HighCardinalityKeyNames implements KeyName {

        /** The key or directory the operation is about. */
        KEY {
            @Override
            public String asString() {
                return "etcd.key";
            }
        }
    }
}
