package dev.etcdspring.core.internal;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the client, lenient as etcd's answers need (fields at their default are omitted, unknown
 * ones ignored). Built on first use, not when a template is: a mapper's construction is a noticeable part of an
 * application's start, and a template made at start-up may not send a request until much later.
 */
public final class EtcdJson {

    /** The mapper. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();

    private EtcdJson() {
    }
}
