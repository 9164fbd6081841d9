package dev.etcdspring.core.v2;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdBackoff;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdCompareFailedException;
import dev.etcdspring.core.EtcdMember;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdNotDirectoryException;
import dev.etcdspring.core.EtcdSwapExhaustedException;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;
import dev.etcdspring.core.internal.DirectoryWatchRequests;
import dev.etcdspring.core.internal.EtcdCredentials;
import dev.etcdspring.core.internal.EtcdErrorTranslator;
import dev.etcdspring.core.internal.EtcdJson;
import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.internal.EtcdProtocol;
import dev.etcdspring.core.internal.HttpAnswer;
import dev.etcdspring.core.internal.HttpCall;
import dev.etcdspring.core.internal.HttpTransport;
import dev.etcdspring.core.internal.Pauses;
import dev.etcdspring.core.internal.ReadPosition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The v2 keys API. Paths are encoded per segment; PUT and POST parameters travel as a form body, GET and
 * DELETE parameters in the query string (etcd ignores their bodies); errors are translated by their
 * {@code errorCode}.
 */
public final class V2Protocol implements EtcdProtocol {

    /** The shared mapper, built on first use: see {@link EtcdJson}. */
    private static JsonMapper json() {
        return EtcdJson.MAPPER;
    }

    private static final String KEYS = "/v2/keys";

    /** How many read-then-write rounds a compare with the empty value tries while the key keeps being rewritten. */
    private static final int EMPTY_COMPARE_ROUNDS = 100;

    /**
     * The pauses between those rounds: random, up to an interval that grows from 2 ms to 50 ms, so that
     * contending clients spread out.
     */
    private static final EtcdBackoff EMPTY_COMPARE_PAUSES = EtcdBackoff
        .exponential(Duration.ofMillis(2), Duration.ofMillis(50))
        .jitter(1.0)
        .maxAttempts(EMPTY_COMPARE_ROUNDS - 1);

    private static final V2Errors ERRORS = V2Errors.INSTANCE;


    private final HttpTransport transport;

    private final String authorization;

    /**
     * Creates the protocol over a transport.
     *
     * @param transport the transport
     * @param credentials the user and password for HTTP basic authentication; {@code null} for none
     */
    public V2Protocol(HttpTransport transport, EtcdCredentials credentials) {
        this.transport = transport;
        this.authorization = (credentials != null) ? "Basic " + Base64.getEncoder()
            .encodeToString((credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8))
                : null;
    }

    private HttpAnswer execute(HttpCall call) {
        return this.transport.execute(call.withAuthorization(this.authorization));
    }

    @Override
    public EtcdApi api() {
        return EtcdApi.V2;
    }

    @Override
    public EtcdErrorTranslator errors() {
        return ERRORS;
    }

    @Override
    public EtcdResponse get(String key, ReadOptions options) {
        StringBuilder query = new StringBuilder();
        flag(query, "quorum", options.isQuorum());
        flag(query, "recursive", options.isRecursive());
        flag(query, "sorted", options.isSorted());
        return keys(HttpCall.of(HttpMethod.GET, keyPath(key) + query, true, options.getTimeout(), key));
    }

    @Override
    public EtcdResponse put(String key, String value, WriteOptions options) {
        if ("".equals(options.getPrevValue())) {
            return ifEmpty(key, options, (byIndex) -> put(key, value, byIndex));
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("value", value);
        if (options.getTtl() != null) {
            form.put("ttl", Long.toString(options.getTtl().getSeconds()));
        }
        if (options.getPrevExist() != null) {
            form.put("prevExist", options.getPrevExist().toString());
        }
        if (options.getPrevValue() != null) {
            form.put("prevValue", options.getPrevValue());
        }
        if (options.getPrevIndex() != null) {
            form.put("prevIndex", options.getPrevIndex().toString());
        }
        return keys(form(HttpMethod.PUT, keyPath(key), form, options.getTimeout(), key));
    }

    /**
     * etcd refuses an empty {@code prevValue} (error 201), so comparing with "" is a linearizable read followed by
     * the write conditioned on the index that was read; a change in between means reading again. Each round ends
     * in the write, or in a failed comparison seen by the read, so the result is as linearizable as etcd's own.
     */
    private EtcdResponse ifEmpty(String key, WriteOptions options, Function<WriteOptions, EtcdResponse> write) {
        ReadOptions read = (options.getTimeout() != null) ? ReadOptions.defaults().timeout(options.getTimeout())
                : ReadOptions.defaults();
        BackOffExecution pauses = EMPTY_COMPARE_PAUSES.start();
        EtcdCompareFailedException lastFailure;
        do {
            EtcdResponse current = get(key, read);
            EtcdNode node = current.node();
            if (node.dir()) {
                throw ERRORS.local(EtcdException.NOT_FILE, "Not a file", key, key, current.etcdIndex(), 403);
            }
            if (!"".equals(node.value())) {
                throw compareFailed(key, "[ != " + node.value() + "]", current);
            }
            if (options.getPrevIndex() != null && options.getPrevIndex() != node.modifiedIndex()) {
                throw compareFailed(key, "[" + options.getPrevIndex() + " != " + node.modifiedIndex() + "]", current);
            }
            WriteOptions byIndex = WriteOptions.defaults().prevIndex(node.modifiedIndex());
            byIndex = (options.getTtl() != null) ? byIndex.ttl(options.getTtl()) : byIndex;
            byIndex = (options.getTimeout() != null) ? byIndex.timeout(options.getTimeout()) : byIndex;
            try {
                return write.apply(byIndex);
            }
            catch (EtcdCompareFailedException ex) {
                // The key changed since it was read, to "" again perhaps: read it again.
                lastFailure = ex;
            }
        }
        while (Pauses.next(pauses, key,
                "the compare of '" + key + "' with the empty value was interrupted; nothing was written"));
        throw new EtcdSwapExhaustedException("the compare of '" + key + "' with the empty value gave up after "
                + EMPTY_COMPARE_ROUNDS + " rounds: the key was rewritten between each read and the conditional write; "
                + "nothing was written", lastFailure.getDetails()
                    .toBuilder()
                    .errorCode(EtcdException.COMPARE_FAILED)
                    .key(key)
                    .outcomeUnknown(false)
                    .build(), EMPTY_COMPARE_ROUNDS, lastFailure);
    }

    private static EtcdException compareFailed(String key, String cause, EtcdResponse current) {
        return ERRORS.local(EtcdException.COMPARE_FAILED, "Compare failed", cause, key, current.etcdIndex(), 412);
    }

    @Override
    public EtcdResponse createInOrder(String dir, String value, WriteOptions options) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("value", value);
        if (options.getTtl() != null) {
            form.put("ttl", Long.toString(options.getTtl().getSeconds()));
        }
        return keys(form(HttpMethod.POST, keyPath(dir), form, options.getTimeout(), dir));
    }

    /** {@code prevExist=true}: without it a refresh is a set that would create the key anew. */
    @Override
    public EtcdResponse refresh(String key, Duration ttl, Duration timeout) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("ttl", Long.toString(ttl.getSeconds()));
        form.put("refresh", "true");
        form.put("prevExist", "true");
        return keys(form(HttpMethod.PUT, keyPath(key), form, timeout, key));
    }

    @Override
    public EtcdResponse delete(String key, WriteOptions options) {
        if ("".equals(options.getPrevValue())) {
            return ifEmpty(key, options, (byIndex) -> delete(key, byIndex));
        }
        StringBuilder query = new StringBuilder();
        if (options.getPrevValue() != null) {
            param(query, "prevValue", options.getPrevValue());
        }
        if (options.getPrevIndex() != null) {
            param(query, "prevIndex", options.getPrevIndex().toString());
        }
        return keys(HttpCall.of(HttpMethod.DELETE, keyPath(key) + query, false, options.getTimeout(), key));
    }

    /**
     * v2 cannot delete the root, and deleting a directory recursively would delete the directory too, so each
     * child of the directory is deleted recursively in turn. A child that someone else deleted meanwhile is
     * skipped. Hidden children ({@code _} names) are not listed by etcd and stay.
     */
    @Override
    public EtcdResponse deleteAll(String dir, WriteOptions options) {
        Duration timeout = options.getTimeout();
        ReadOptions read = ReadOptions.defaults().recursive(true).sorted(true);
        EtcdResponse listing;
        try {
            listing = get(dir, (timeout != null) ? read.timeout(timeout) : read);
        }
        catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
            // No such directory (a key on its path may be a file): nothing to delete.
            return new EtcdResponse("delete", directory(dir), null, ex.getIndex(), 0, 0, null, ex.getHttpStatus());
        }
        if (!listing.node().dir()) {
            throw ERRORS.local(EtcdException.NOT_DIRECTORY, "Not a directory", dir, dir, listing.etcdIndex(), 200);
        }
        EtcdResponse last = listing;
        for (EtcdNode child : listing.node().nodes()) {
            try {
                last = keys(HttpCall.of(HttpMethod.DELETE, keyPath(child.key()) + "?recursive=true", false, timeout,
                        child.key()));
            }
            catch (EtcdKeyNotFoundException ex) {
                // Deleted by someone else since the listing: nothing left to do for it.
            }
        }
        return new EtcdResponse("delete", directory(dir), listing.node(), last.etcdIndex(), last.raftIndex(),
                last.raftTerm(), last.clusterId(), last.httpStatus());
    }

    /** A v2 watch long-polls while it catches up and streams from the head: see {@link V2WatchRequests}. */
    @Override
    public DirectoryWatchRequests watchRequests(String key, boolean recursive) {
        return new V2WatchRequests(this, key, recursive);
    }

    /**
     * A watch request: a long poll ({@code wait=true}), or a stream ({@code stream=true} as well). Never with
     * {@code quorum}, which would turn either into a plain read.
     */
    HttpCall watchCall(String key, boolean recursive, long fromIndex, boolean stream, Duration timeout) {
        String query = "?wait=true&waitIndex=" + fromIndex + (recursive ? "&recursive=true" : "")
                + (stream ? "&stream=true" : "");
        return HttpCall.of(HttpMethod.GET, keyPath(key) + query, true, timeout, key)
            .withAuthorization(this.authorization);
    }

    HttpTransport transport() {
        return this.transport;
    }

    @Override
    public ReadPosition position(String key, Duration timeout) {
        StringBuilder query = new StringBuilder();
        flag(query, "quorum", true);
        HttpCall call = HttpCall.of(HttpMethod.GET, keyPath(key) + query, true, timeout, key);
        HttpAnswer answer = execute(call);
        // On every answer, "not found" included: the exception would not carry it.
        String clusterId = answer.header("X-Etcd-Cluster-Id");
        try {
            return new ReadPosition(toResponse(call, answer).etcdIndex(), clusterId);
        }
        catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
            return new ReadPosition(ex.getIndex(), clusterId);
        }
    }

    @Override
    public List<EtcdMember> members(Duration timeout) {
        HttpCall call = HttpCall.of(HttpMethod.GET, "/v2/members", true, timeout, null);
        V2Json.Members members = read(call, V2Json.Members.class);
        List<EtcdMember> result = new ArrayList<>();
        if (members.members() != null) {
            for (V2Json.Member m : members.members()) {
                result.add(new EtcdMember(m.id(), (m.name() != null) ? m.name() : "", m.peerURLs(), m.clientURLs()));
            }
        }
        return result;
    }

    private <T> T read(HttpCall call, Class<T> type) {
        HttpAnswer answer = execute(call);
        if (!answer.isSuccess()) {
            throw ERRORS.notAnEtcdAnswer(call, answer, null);
        }
        try {
            return json().readValue(answer.body(), type);
        }
        catch (JacksonException ex) {
            throw ERRORS.notAnEtcdAnswer(call, answer, ex);
        }
    }

    private EtcdResponse keys(HttpCall call) {
        return toResponse(call, execute(call));
    }

    static EtcdResponse toResponse(HttpCall call, HttpAnswer answer) {
        V2Json.Body body = ERRORS.body(call, answer);
        if (body.errorCode() != null || !answer.isSuccess() || body.action() == null) {
            throw ERRORS.translate(call, answer, body);
        }
        return new EtcdResponse(body.action(), body.node(), body.prevNode(),
                answer.longHeader("X-Etcd-Index"), answer.longHeader("X-Raft-Index"),
                answer.longHeader("X-Raft-Term"), answer.header("X-Etcd-Cluster-Id"), answer.status());
    }

    private static EtcdNode directory(String dir) {
        return new EtcdNode(dir, null, true, 0, 0, null, null, null);
    }

    private static HttpCall form(HttpMethod method, String path, Map<String, String> form, Duration timeout,
            String key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : form.entrySet()) {
            if (body.size() > 0) {
                body.write('&');
            }
            body.writeBytes(formEncode(field.getKey()));
            body.write('=');
            body.writeBytes(formEncode(field.getValue()));
        }
        return new HttpCall(method, path, body.toByteArray(), MediaType.APPLICATION_FORM_URLENCODED, false, timeout,
                key);
    }

    private static byte[] formEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII);
    }

    private static void flag(StringBuilder query, String name, boolean value) {
        if (value) {
            param(query, name, "true");
        }
    }

    private static void param(StringBuilder query, String name, String value) {
        query.append((query.length() == 0) ? '?' : '&').append(name).append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    /** {@code /v2/keys} and the key with each segment percent-encoded as UTF-8; the root is {@code /v2/keys/}. */
    static String keyPath(String key) {
        if (key.equals(EtcdKeys.ROOT)) {
            return KEYS + "/";
        }
        StringBuilder path = new StringBuilder(KEYS.length() + key.length() * 3);
        path.append(KEYS);
        for (String segment : key.substring(1).split("/", -1)) {
            path.append('/');
            percentEncode(segment, path);
        }
        return path.toString();
    }

    /** Everything but RFC 3986's unreserved characters is encoded, so nothing is left for the server to read. */
    private static void percentEncode(String segment, StringBuilder out) {
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            }
            else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
    }
}
