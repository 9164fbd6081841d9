package dev.etcdspring.benchmarks;

import java.io.IOException;
import java.net.URI;

import mousio.etcd4j.EtcdClient;
import mousio.etcd4j.requests.EtcdKeyGetRequest;

/**
 * etcd4j (v2 only), a Netty-based client, as its README uses it. It has no switch for a quorum read, so the
 * linearizable read adds etcd's {@code quorum=true} parameter to the request by hand.
 */
final class Etcd4jClient implements Client {

    private final EtcdClient client;

    Etcd4jClient(String endpoint) {
        this.client = new EtcdClient(URI.create(endpoint));
    }

    /** A client over TLS with Netty's SSL context. */
    Etcd4jClient(String endpoint, io.netty.handler.ssl.SslContext sslContext) {
        this.client = new EtcdClient(sslContext, URI.create(endpoint));
    }

    @Override
    public String get(String key, boolean linearizable) throws Exception {
        EtcdKeyGetRequest request = this.client.get(key);
        if (linearizable) {
            request.getRequestParams().put("quorum", "true");
        }
        return request.send().get().node.value;
    }

    @Override
    public long set(String key, String value) throws Exception {
        return this.client.put(key, value).send().get().node.modifiedIndex;
    }

    @Override
    public long compareAndSet(String key, long index, String value) throws Exception {
        return this.client.put(key, value).prevIndex(index).send().get().node.modifiedIndex;
    }

    @Override
    public void close() throws IOException {
        this.client.close();
    }
}
