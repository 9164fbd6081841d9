package dev.etcdspring.core.v2;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.internal.EtcdKeys;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;

/**
 * Reads a v2 keys answer token by token straight into {@link EtcdNode}s: every request's answer passes through here,
 * and binding through intermediate records cost more than the rest of the client's work on a small read. As lenient
 * as the server's JSON needs: fields at their default are omitted, unknown fields are skipped, {@code null} stands
 * for absent.
 */
final class V2BodyReader {

    private V2BodyReader() {
    }

    /**
     * Reads a whole answer.
     *
     * @param parser a parser at the start of the answer
     * @return the answer
     * @throws JacksonException when it is not JSON, or not the shape of a keys answer
     */
    static V2Json.Body read(JsonParser parser) {
        expect(parser, parser.nextToken(), JsonToken.START_OBJECT);
        String action = null;
        EtcdNode node = null;
        EtcdNode prevNode = null;
        Integer errorCode = null;
        String message = null;
        String cause = null;
        Long index = null;
        for (String name; (name = parser.nextName()) != null;) {
            JsonToken token = parser.nextToken();
            switch (name) {
                case "action" -> action = string(parser, token);
                case "node" -> node = node(parser, token);
                case "prevNode" -> prevNode = node(parser, token);
                case "errorCode" -> errorCode = (token == JsonToken.VALUE_NULL) ? null : (int) number(parser, token);
                case "message" -> message = string(parser, token);
                case "cause" -> cause = string(parser, token);
                case "index" -> index = (token == JsonToken.VALUE_NULL) ? null : number(parser, token);
                default -> parser.skipChildren();
            }
        }
        if (parser.nextToken() != null) {
            throw new StreamReadException(parser, "Content after the end of a v2 answer");
        }
        return new V2Json.Body(action, node, prevNode, errorCode, message, cause, index);
    }

    private static EtcdNode node(JsonParser parser, JsonToken token) {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(parser, token, JsonToken.START_OBJECT);
        String key = EtcdKeys.ROOT;
        String value = null;
        boolean dir = false;
        List<EtcdNode> nodes = null;
        long createdIndex = 0;
        long modifiedIndex = 0;
        Long ttl = null;
        Instant expiration = null;
        for (String name; (name = parser.nextName()) != null;) {
            JsonToken next = parser.nextToken();
            switch (name) {
                case "key" -> key = (next == JsonToken.VALUE_NULL) ? EtcdKeys.ROOT : string(parser, next);
                case "value" -> value = string(parser, next);
                case "dir" -> dir = next == JsonToken.VALUE_TRUE;
                case "nodes" -> nodes = nodes(parser, next);
                case "createdIndex" -> createdIndex = (next == JsonToken.VALUE_NULL) ? 0 : number(parser, next);
                case "modifiedIndex" -> modifiedIndex = (next == JsonToken.VALUE_NULL) ? 0 : number(parser, next);
                case "ttl" -> ttl = (next == JsonToken.VALUE_NULL) ? null : number(parser, next);
                case "expiration" -> {
                    String text = string(parser, next);
                    expiration = (text != null) ? Instant.parse(text) : null;
                }
                default -> parser.skipChildren();
            }
        }
        return new EtcdNode(key, value, dir, createdIndex, modifiedIndex, ttl, expiration,
                (nodes != null) ? nodes : List.of());
    }

    private static List<EtcdNode> nodes(JsonParser parser, JsonToken token) {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(parser, token, JsonToken.START_ARRAY);
        List<EtcdNode> nodes = new ArrayList<>();
        for (JsonToken next; (next = parser.nextToken()) != JsonToken.END_ARRAY;) {
            nodes.add(node(parser, next));
        }
        return nodes;
    }

    private static String string(JsonParser parser, JsonToken token) {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isScalarValue()) {
            throw new StreamReadException(parser, "Expected a text in a v2 answer, found " + token);
        }
        return parser.getString();
    }

    private static long number(JsonParser parser, JsonToken token) {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new StreamReadException(parser, "Expected a whole number in a v2 answer, found " + token);
        }
        return parser.getLongValue();
    }

    private static void expect(JsonParser parser, JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new StreamReadException(parser, "Expected " + expected + " in a v2 answer, found " + actual);
        }
    }
}
