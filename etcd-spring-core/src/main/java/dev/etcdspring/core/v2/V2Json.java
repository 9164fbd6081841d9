package dev.etcdspring.core.v2;

import java.util.List;

import dev.etcdspring.core.EtcdNode;

/**
 * The JSON bodies of the v2 API, read leniently: fields at their default are omitted by the server.
 */
final class V2Json {

    private V2Json() {
    }

    /**
     * A keys answer or a keys error: {@code {"action","node","prevNode"}} or {@code {"errorCode",...}}, as
     * {@link V2BodyReader} reads it.
     */
    record Body(String action, EtcdNode node, EtcdNode prevNode, Integer errorCode, String message, String cause,
            Long index) {
    }

    /** {@code GET /v2/members}. */
    record Members(List<Member> members) {
    }

    /** One member; the id is hexadecimal. */
    record Member(String id, String name, List<String> peerURLs, List<String> clientURLs) {
    }
}
