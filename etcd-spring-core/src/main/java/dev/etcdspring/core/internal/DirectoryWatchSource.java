// One job: a key or subtree of the directory API as a watch loop's source: the protocol's position, watch and
// recursive read, v2's hidden keys left out, each change stamped with its own index.
package dev.etcdspring.core.internal;

import java.time.Duration;

import dev.etcdspring.core.EtcdKeyNotFoundException;
import dev.etcdspring.core.EtcdNode;
import dev.etcdspring.core.EtcdNotDirectoryException;
import dev.etcdspring.core.EtcdResponse;
import dev.etcdspring.core.ReadOptions;

/**
 * Watches one key of the directory API, or the subtree below it, through a protocol and the
 * {@link EtcdProtocol#watchRequests(String, boolean) requests} it makes for this watch.
 */
public final class DirectoryWatchSource implements WatchSource<EtcdResponse> {

    private final EtcdProtocol protocol;

    private final String key;

    private final boolean recursive;

    private final DirectoryWatchRequests requests;

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
        this.requests = protocol.watchRequests(key, recursive);
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
        this.requests.watch(fromIndex, sink, timeout);
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
