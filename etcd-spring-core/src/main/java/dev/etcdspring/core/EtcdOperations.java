package dev.etcdspring.core;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.etcdspring.core.election.EtcdElectionOperations;
import dev.etcdspring.core.kv.EtcdKeyValueOperations;
import dev.etcdspring.core.lease.EtcdLeaseOperations;
import dev.etcdspring.core.lock.EtcdLockOperations;

/**
 * The operations of an etcd client, implemented by {@link EtcdTemplate}.
 *
 * <p>Keys are {@code /}-separated paths; the leading {@code /} is optional, and {@code null}, {@code ""} and
 * {@code "/"} all mean the root. A key with an empty, {@code .} or {@code ..} segment, or that is not valid
 * Unicode, is refused with an {@link IllegalArgumentException} before any request is sent, as is a {@code null}
 * value. Any character is allowed inside a segment: keys are escaped on the way to the server.
 *
 * <p>Every operation throws an {@link EtcdException} when etcd refuses it or cannot be reached, with etcd's
 * error code; {@link EtcdTransportException} when no server answered, with
 * {@link EtcdException#isOutcomeUnknown()} telling whether a write may have been applied.
 *
 * <p>On the v3 API these operations lay v2's directories over v3's flat keyspace, where other clients may write
 * keys that no directory tree can hold: a key that holds a value and has keys below it ({@code /cfg/server} and
 * {@code /cfg/server/port}), or a key with an empty segment ({@code /a//b}, {@code /a/b/}). Where a directory
 * read or {@link #deleteAll(String)} meets one, it throws {@link EtcdKeyspaceConflictException} naming the key
 * rather than show part of the keyspace; the v3-native {@code opsForKeyValue()} reads such keys as they are.
 */
public interface EtcdOperations {

    /**
     * The API this client speaks.
     *
     * @return the API
     */
    EtcdApi api();

    /**
     * Reads the value of a key, linearizably.
     *
     * @param key the key
     * @return the value, or {@code null} if there is no such key (also when a key on its path is not a directory)
     * @throws EtcdNotFileException if the key is a directory
     * @throws EtcdKeyspaceConflictException on v3, if the key is a directory in which a key holds a value and has
     *         keys below it, or has an empty segment: the directory API throws it, naming that key, rather than
     *         show part of the keyspace (a key that holds a value is read exactly, whatever lies below it)
     */
    String get(String key);

    /**
     * Reads the value of a key.
     *
     * @param key the key
     * @param options the read options; must not be {@code null}
     * @return the value, or {@code null} if there is no such key
     * @throws EtcdNotFileException if the key is a directory
     * @throws EtcdKeyspaceConflictException on v3, as for {@link #get(String)}
     */
    String get(String key, ReadOptions options);

    /**
     * Reads a key or a directory with all of etcd's metadata, linearizably.
     *
     * @param key the key
     * @return the response; for a directory, its node lists the children
     * @throws EtcdKeyNotFoundException if there is no such key
     * @throws EtcdKeyspaceConflictException on v3, if the key is a directory in which a key holds a value and has
     *         keys below it, or has an empty segment: thrown, naming that key, rather than list part of it
     */
    EtcdResponse getResponse(String key);

    /**
     * Reads a key or a directory with all of etcd's metadata.
     *
     * @param key the key
     * @param options the read options; must not be {@code null}
     * @return the response; for a directory, its node lists the children (their children too if recursive)
     * @throws EtcdKeyNotFoundException if there is no such key
     * @throws EtcdKeyspaceConflictException on v3, if the key is a directory in which a key holds a value and has
     *         keys below it, or has an empty segment, or if the read is recursive and the key holds a value and has
     *         keys below it: thrown, naming that key, rather than show part of the keyspace
     */
    EtcdResponse getResponse(String key, ReadOptions options);

    /**
     * Reads a directory as a map from child name to value, linearizably and one level deep: a subdirectory
     * maps to {@code null}.
     *
     * @param dir the directory; {@code null}, {@code ""} or {@code "/"} for the root
     * @return the children by name, in the server's order; or {@code null} if there is no such directory
     * @throws EtcdNotDirectoryException if {@code dir} is a key with a value
     * @throws EtcdKeyspaceConflictException on v3, where {@code dir} or a key below it holds a value and has keys
     *         below it, or a key below it has an empty segment, at any depth: the directory API throws it, naming
     *         the key, rather than show part of the keyspace
     */
    Map<String, Object> getTree(String dir);

    /**
     * Reads a directory as a map from child name to value: a value is a {@code String}; a subdirectory is a
     * nested {@code Map} when {@link ReadOptions#recursive(boolean) recursive}, else {@code null}.
     *
     * @param dir the directory; {@code null}, {@code ""} or {@code "/"} for the root
     * @param options the read options; must not be {@code null}
     * @return the children by name, in key order when {@link ReadOptions#sorted(boolean) sorted}, else in the
     *         server's order; or {@code null} if there is no such directory
     * @throws EtcdNotDirectoryException if {@code dir} is a key with a value
     * @throws EtcdKeyspaceConflictException on v3, as for {@link #getTree(String)}, recursive or not
     */
    Map<String, Object> getTree(String dir, ReadOptions options);

    /**
     * Sets the value of a key, creating it (and its directories) if absent.
     *
     * @param key the key; not the root
     * @param value the value; must not be {@code null}, may be empty
     * @return the response, with the previous node as {@code prevNode} if there was one
     * @throws EtcdNotFileException if the key is a directory
     */
    EtcdResponse set(String key, String value);

    /**
     * Sets the value of a key under the options' time to live and preconditions.
     *
     * @param key the key; not the root
     * @param value the value; must not be {@code null}, may be empty
     * @param options the write options; must not be {@code null}
     * @return the response, with the previous node as {@code prevNode} if there was one
     * @throws EtcdCompareFailedException if a {@code prevValue} or {@code prevIndex} condition does not hold
     * @throws EtcdNodeExistsException if {@code prevExist(false)} and the key exists
     * @throws EtcdKeyNotFoundException if {@code prevExist(true)}, {@code prevValue} or {@code prevIndex} and the
     *         key does not exist
     */
    EtcdResponse set(String key, String value, WriteOptions options);

    /**
     * Creates a key with a new unique name in a directory, named so that keys created later sort after it: a
     * queue. List the directory with {@code ReadOptions.defaults().sorted(true)} to read it in order.
     *
     * @param dir the directory, created if absent
     * @param value the value; must not be {@code null}
     * @return the response; {@code node().key()} is the new key
     */
    EtcdResponse createInOrder(String dir, String value);

    /**
     * Creates a key with a new unique name in a directory, with the options' time to live.
     *
     * @param dir the directory, created if absent
     * @param value the value; must not be {@code null}
     * @param options the write options: the time to live and timeout apply, preconditions are refused
     * @return the response; {@code node().key()} is the new key
     */
    EtcdResponse createInOrder(String dir, String value, WriteOptions options);

    /**
     * Sets a key to {@code value} only if its current value is {@code expected}. As with every write without a
     * time to live, a key that had one no longer expires afterwards.
     *
     * @param key the key; not the root
     * @param expected the value the key must have; must not be {@code null}, may be empty
     * @param value the new value; must not be {@code null}
     * @return {@code true} if the key was set, {@code false} if its value was not {@code expected}
     * @throws EtcdKeyNotFoundException if the key does not exist
     * @throws EtcdSwapExhaustedException on the v2 API, with {@code expected} empty (which etcd cannot compare
     *         with itself), if the key was rewritten between each read and conditional write for 100 rounds
     */
    boolean compareAndSet(String key, String expected, String value);

    /**
     * Sets a key to {@code value} only if it was last modified at {@code modifiedIndex}. A key that had a time to
     * live no longer expires afterwards.
     *
     * @param key the key; not the root
     * @param modifiedIndex the {@link EtcdNode#modifiedIndex()} the key must have; positive
     * @param value the new value; must not be {@code null}
     * @return {@code true} if the key was set, {@code false} if it was modified at another index
     * @throws EtcdKeyNotFoundException if the key does not exist
     */
    boolean compareAndSetIndex(String key, long modifiedIndex, String value);

    /**
     * Applies a function to a key's value atomically, like Clojure's {@code swap!}: reads the value, applies
     * {@code fn}, and sets the result if the key was not modified in between, else tries again after a jittered,
     * growing pause, within the attempts and time the template allows. {@code fn} may therefore run several
     * times and must be free of side effects. The write carries no time to live: a key that had one no longer
     * expires afterwards. Swaps of the same key through one template take turns rather than fail each other's
     * comparisons, and one that follows another starts from the value that one wrote, without reading it again;
     * writes from elsewhere are still caught by the comparison.
     *
     * @param key the key; not the root
     * @param fn computes the new value from the current one; must not be {@code null}, nor return {@code null}
     * @return the new value that was set
     * @throws EtcdKeyNotFoundException if the key does not exist
     * @throws EtcdSwapExhaustedException if the key kept changing until the attempts or time ran out
     */
    String swap(String key, UnaryOperator<String> fn);

    /**
     * Deletes a key.
     *
     * @param key the key; not the root
     * @return the response, with the deleted node as {@code prevNode}
     * @throws EtcdKeyNotFoundException if the key does not exist
     * @throws EtcdNotFileException if the key is a directory (use {@link #deleteAll(String)})
     */
    EtcdResponse delete(String key);

    /**
     * Deletes a key under the options' {@code prevValue} and {@code prevIndex} preconditions: a compare-and-delete.
     *
     * @param key the key; not the root
     * @param options the write options: the value and index preconditions and the timeout apply
     * @return the response, with the deleted node as {@code prevNode}
     * @throws EtcdKeyNotFoundException if the key does not exist
     * @throws EtcdCompareFailedException if a precondition does not hold
     */
    EtcdResponse delete(String key, WriteOptions options);

    /**
     * Deletes everything below a directory; the directory itself stays (on the v2 API, where directories are
     * nodes of their own). Nothing happens if there is no such directory. On the v2 API, where etcd never lists
     * hidden keys (names starting with {@code _}), hidden keys directly below {@code dir} are not deleted; hidden
     * keys inside a deleted subdirectory go with it. On the v3 API, where a key below {@code dir} (hidden ones
     * included, which v3 deletes too) holds a value and has keys below it, or has an empty segment, it throws
     * {@link EtcdKeyspaceConflictException} naming the key and deletes nothing, rather than delete keys that
     * {@code prevNode} could not show; the range is deleted in one transaction only if nothing in it changed since
     * it was checked.
     *
     * @param dir the directory; {@code null}, {@code ""} or {@code "/"} for all of the root's children
     * @return a {@code delete} response whose node is the directory and whose {@code prevNode} is the directory
     *         as it was, with everything that was deleted; {@code prevNode} is {@code null} when there was no
     *         such directory
     * @throws EtcdNotDirectoryException if {@code dir} is a key with a value
     * @throws EtcdKeyspaceConflictException on v3, if {@code dir} or a key below it holds a value and has keys
     *         below it, or a key below it has an empty segment; nothing is deleted then
     */
    EtcdResponse deleteAll(String dir);

    /**
     * Watches a key, or with {@link WatchOptions#recursive(boolean)} everything below it, and delivers every change
     * after the starting point to {@code listener} exactly once and in index order, for as long as the watch is
     * open: across dropped connections, server restarts and failover to the other endpoints, with jittered
     * exponential backoff between attempts. The listener runs on the watch's own thread, one change at a time; an
     * exception it throws is logged and reported, and the watch goes on.
     *
     * <p>Each change is an {@link EtcdResponse} with v2's action words ({@code set}, {@code create},
     * {@code update}, {@code compareAndSwap}, {@code delete}, {@code compareAndDelete}, {@code expire}; on v3 a put is
     * {@code create} or {@code set} and a delete {@code delete}, or {@code expire} when the key's lease is gone),
     * the changed node (on v2 it may be an ancestor of the watched key, deleted or expired), {@code prevNode} where
     * the server gives it, and {@code etcdIndex} set to the change's index. Hidden keys ({@code _} segments below the
     * watched key) are left out, as v2 leaves them out of live watches.
     *
     * <p>When the server no longer holds the changes since the watch's position (v2 keeps the last 1000 events;
     * v3 forgets what compaction removed), they cannot be replayed: the watch then delivers one response whose
     * action is {@code resync} and whose node is the whole current subtree (a node without value or children when
     * nothing is there), and continues with ordinary changes after it. A listener reconciles its state from it.
     * On the v3 API, where the subtree holds a key that holds a value and has keys below it, or has an empty
     * segment, the resync delivers nothing rather than part of the subtree: it reports the
     * {@link EtcdKeyspaceConflictException}, naming the key, to {@link WatchOptions#onError} and tries again with
     * the watch's backoff until it can show the subtree. Live changes of such keys are delivered as they come.
     *
     * <p>Without {@link WatchOptions#fromIndex(long)} the watch starts after the current state, read before this
     * method returns, so every change after it is delivered; if etcd cannot be reached then, it starts from the
     * state it finds once etcd answers.
     *
     * @param key the key; {@code null}, {@code ""} or {@code "/"} for the root
     * @param options the watch options; must not be {@code null}
     * @param listener receives the changes; must not be {@code null}
     * @return the running watch; close it to stop
     */
    EtcdWatch watch(String key, WatchOptions options, Consumer<EtcdResponse> listener);

    /**
     * Checks the etcd member the template talks to: its own {@code /health} must say {@code true}, and a
     * linearizable read must work (which needs a leader and a quorum). Never throws for etcd's troubles: they are
     * reported as unhealthy with the reason.
     *
     * @param timeout how long each of the check's requests may take, and how long to wait for the check: when it
     *        has not ended by then, the answer is unhealthy; positive
     * @return what the check found
     */
    EtcdHealth health(java.time.Duration timeout);

    /**
     * Reads the version of the etcd member answering.
     *
     * @return the server and cluster versions
     */
    EtcdVersion version();

    /**
     * Lists the members of the etcd cluster.
     *
     * @return the members
     */
    List<EtcdMember> members();

    /**
     * The v3-native key-value operations: keys and values as bytes, exactly as other v3 clients (etcdctl, Go
     * services, jetcd) write them, with revisions, ranges, transactions and watches of key ranges. Use it to share
     * a keyspace with other v3 clients; the directory API above is for v2 data and for code moving from v2 to v3.
     *
     * @return the operations; the same object on every call
     * @throws UnsupportedOperationException when this client speaks the v2 API, which has no such keyspace
     */
    EtcdKeyValueOperations opsForKeyValue();

    /**
     * The v3 lease operations: grant, keep alive (with loss detection), revoke, time to live, list.
     *
     * @return the operations; the same object on every call
     * @throws UnsupportedOperationException when this client speaks the v2 API, which has no leases
     */
    EtcdLeaseOperations opsForLeases();

    /**
     * Distributed locks with fencing tokens, on both APIs, built by the client (see
     * {@link dev.etcdspring.core.lock}): acquire with a wait bound, try, the holder; a held lock renews itself and
     * says as soon as it is, or may be, lost.
     *
     * @return the operations; the same object on every call
     */
    EtcdLockOperations opsForLocks();

    /**
     * Leader election, on both APIs, built by the client (see {@link dev.etcdspring.core.election}): campaign,
     * the leader and its term, observe, proclaim, resign.
     *
     * @return the operations; the same object on every call
     */
    EtcdElectionOperations opsForElections();
}
