package dev.etcdspring.core.internal;

import java.time.Duration;
import java.util.List;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdException;
import dev.etcdspring.core.EtcdMember;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;

/**
 * One of etcd's wire protocols, in the terms of the public API. Keys arrive validated and normalised by
 * {@link EtcdKeys#normalize}; answers leave as {@link EtcdResponse}s and failures as
 * {@link dev.etcdspring.core.EtcdException}s, so nothing of the wire format reaches the caller.
 *
 * <p>A {@code null} timeout means the template's default.
 */
public interface EtcdProtocol {

    /**
     * The API this protocol speaks.
     *
     * @return the API
     */
    EtcdApi api();

    /**
     * How this protocol's answers, and the conditions it finds itself, become exceptions.
     *
     * @return the protocol's error translation
     */
    EtcdErrorTranslator errors();

    /**
     * Reads a key or a directory.
     *
     * @param key the normalised key
     * @param options the read options
     * @return the response; its node is a directory with its listed children for a directory
     * @throws dev.etcdspring.core.EtcdKeyNotFoundException if there is no such key
     */
    EtcdResponse get(String key, ReadOptions options);

    /**
     * The exception for a directory read ({@code getTree}) that found a key with a value: v2's "Not a directory".
     * A protocol whose keyspace lets that key have keys below it as well (v3) says so instead, as the directory
     * model cannot show both.
     *
     * @param key the normalised key
     * @param leaf the read that found the value
     * @param options the read's options
     * @return the exception to throw
     */
    default EtcdException notADirectory(String key, EtcdResponse leaf, ReadOptions options) {
        return errors().local(EtcdException.NOT_DIRECTORY, "Not a directory", key, key, leaf.etcdIndex(),
                leaf.httpStatus());
    }

    /**
     * Writes a value under the options' preconditions.
     *
     * @param key the normalised key
     * @param value the value
     * @param options the write options
     * @return the response
     */
    EtcdResponse put(String key, String value, WriteOptions options);

    /**
     * Creates a key with a new unique name below {@code dir}, ordered after every key created before it.
     *
     * @param dir the normalised directory
     * @param value the value
     * @param options the write options; only the time to live and the timeout apply
     * @return the response; its node's key is the new key
     */
    EtcdResponse createInOrder(String dir, String value, WriteOptions options);

    /**
     * Renews a key's time to live without changing its value or waking its watchers (v2's {@code refresh}), only
     * while the key exists: what keeps a v2 lock's or candidate's key alive.
     *
     * @param key the normalised key
     * @param ttl the time to live to renew to
     * @param timeout the request timeout, or {@code null} for the template's
     * @return the response, the key with its new time to live
     * @throws dev.etcdspring.core.EtcdKeyNotFoundException when the key is gone (expired or deleted)
     * @throws UnsupportedOperationException on an API without it (v3 renews leases instead)
     */
    default EtcdResponse refresh(String key, Duration ttl, Duration timeout) {
        throw new UnsupportedOperationException("refresh is v2's; on v3 a lease is kept alive instead");
    }

    /**
     * Deletes one key under the options' value and index preconditions.
     *
     * @param key the normalised key
     * @param options the write options; only the compare preconditions and the timeout apply
     * @return the response, with the deleted node as {@code prevNode}
     */
    EtcdResponse delete(String key, WriteOptions options);

    /**
     * Deletes everything below a directory; the directory itself stays where the API has directories.
     *
     * @param dir the normalised directory, {@code "/"} for the whole keyspace
     * @param options the write options; only the timeout applies
     * @return a {@code delete} response whose {@code prevNode} is the directory as it was, or {@code null} if
     *         there was nothing to delete
     */
    EtcdResponse deleteAll(String dir, WriteOptions options);

    /**
     * The requests of one watch of a key, or a subtree: each delivers the changes with an index at or after the
     * index it is given, in order. One per watch, used by its loop's thread only, since what it asks next may
     * depend on what the last request found (v2 long-polls while behind and streams at the head).
     *
     * @param key the normalised key
     * @param recursive whether the subtree below the key is watched too
     * @return the watch's requests
     */
    DirectoryWatchRequests watchRequests(String key, boolean recursive);

    /**
     * Reads, linearizably, where the cluster is: the store index or revision, whether the key exists or not, and
     * the cluster's id.
     *
     * @param key the normalised key the read is about
     * @param timeout the timeout, or {@code null}
     * @return the position; its {@link ReadPosition#nextIndex()} is where to watch from to see every change after
     *         this moment
     */
    ReadPosition position(String key, Duration timeout);

    /**
     * Lists the cluster's members.
     *
     * @param timeout the timeout, or {@code null}
     * @return the members
     */
    List<EtcdMember> members(Duration timeout);
}
