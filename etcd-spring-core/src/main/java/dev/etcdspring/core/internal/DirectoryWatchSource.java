// One job: a key or subtree of the directory API as a watch loop's source: the protocol's position, watch and
// recursive read, v2's hidden keys left out, each change stamped with its own index, and whether the next request
// may stream.
package dev.etcdspring.core.internal;

import java.time.Duration;

import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdNotDirectoryException;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.ReadOptions;

/**
 * Watches one key of the directory API, or the subtree below it, through a protocol. It remembers what the last
 * request said about the head of the server's history: a v2 watch long-polls while it catches up and streams once
 * it is at the head (see {@link EtcdProtocol#watch}); it starts by polling, since where it starts from may be past.
 */
public final class DirectoryWatchSource implements WatchSource<EtcdResponse> {

    private final EtcdProtocol protocol;

    private final String key;

    private final boolean recursive;

    /** Whether the last request ended at the head of the history (loop thread only). */
    private boolean atHead;

    /**
     * Creates the source.
     *
     * @param protocol the protocol
     * @param key the normalised key
     * @param recursive whether the subtree is watched
     */
    public DirectoryWatchSource(EtcdProtocol protocol, String key, boolean recursive) {
        this.protocol = protocol;
        this.key = key;
        this.recursive = recursive;
    }

    @Override
    public String name() {
        return this.key;
    }

    @Override
    public long position() {
        return this.protocol.position(this.key, null).nextIndex();
    }

    @Override
    public void watch(long fromIndex, WatchSink<EtcdResponse> sink, Duration timeout) {
        // A request that fails leaves the flag as it was: the next one, from the same index, is as far behind.
        this.atHead = this.protocol.watch(this.key, this.recursive, fromIndex, sink, timeout, this.atHead);
    }

    /** The subtree as one {@code resync}; a key that is gone resyncs to an empty node. */
    @Override
    public Resync<EtcdResponse> resync() {
        EtcdResponse current;
        try {
            current = this.protocol.get(this.key, ReadOptions.defaults().recursive(this.recursive).sorted(true));
        }
        catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
            current = new EtcdResponse("get", new EtcdNode(this.key, null, false, 0, 0, null, null, null), null,
                    ex.getIndex(), 0, 0, null, ex.getHttpStatus());
        }
        return new Resync<>(new EtcdResponse("resync", current.node(), null, current.etcdIndex(), current.raftIndex(),
                current.raftTerm(), current.clusterId(), current.httpStatus()), current.etcdIndex());
    }

    @Override
    public long index(EtcdResponse event) {
        return event.node().modifiedIndex();
    }

    /** Stamped with its own index; {@code null} for a key below a hidden ({@code _}) name, as v2 watches skip. */
    @Override
    public EtcdResponse deliverable(EtcdResponse event) {
        if (hidden(event.node().key())) {
            return null;
        }
        return new EtcdResponse(event.action(), event.node(), event.prevNode(), event.node().modifiedIndex(),
                event.raftIndex(), event.raftTerm(), event.clusterId(), event.httpStatus());
    }

    @Override
    public EtcdResponse progress(long index) {
        return null;
    }

    /** A key below the watched one with a {@code _} segment on the way, as v2 leaves out of live watches. */
    private boolean hidden(String changed) {
        String prefix = this.key.equals(EtcdKeys.ROOT) ? EtcdKeys.ROOT : this.key + "/";
        if (!changed.startsWith(prefix)) {
            return false;
        }
        for (String segment : changed.substring(prefix.length()).split("/")) {
            if (segment.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
