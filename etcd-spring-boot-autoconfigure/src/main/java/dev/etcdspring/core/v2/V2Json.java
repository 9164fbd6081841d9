package dev.etcdspring.core.v2;

import java.util.List;

/**
 * The JSON bodies of the v2 API, read leniently: fields at their default are omitted by the server.
 */
final class V2Json {

    private V2Json() {
    }

    /** A keys answer or a keys error: {@code {"action","node","prevNode"}} or {@code {"errorCode",...}}. */
    record Body(String action, Node node, Node prevNode, Integer errorCode, String message, String cause, Long index) {
    }

    /** A node; the root has no key and no indices. */
    record Node(String key, String value, boolean dir, List<Node> nodes, long createdIndex, long modifiedIndex,
            Long ttl, String expiration) {
    }

    /** {@code GET /v2/members}. */
    record Members(List<Member> members) {
    }

    /** One member; the id is hexadecimal. */
    record Member(String id, String name, List<String> peerURLs, List<String> clientURLs) {
    }
}
