package dev.etcdspring.benchmarks;

import dev.etcdspring.core.EtcdApi;
import dev.etcdspring.core.EtcdTemplate;
import dev.etcdspring.core.ReadOptions;
import dev.etcdspring.core.WriteOptions;

/**
 * Ours: an {@link EtcdTemplate} with its defaults (the socket backend), used only through its public API. The
 * compare-and-set is {@code set} with {@code prevIndex}, the request {@code compareAndSetIndex} sends, because it
 * also returns the new index the next comparison needs.
 */
final class TemplateClient implements Client {

    private static final ReadOptions LINEARIZABLE = ReadOptions.defaults().quorum(true);

    private static final ReadOptions LOCAL = ReadOptions.defaults().quorum(false);

    private final EtcdTemplate template;

    TemplateClient(String endpoint, EtcdApi api) {
        this.template = EtcdTemplate.builder().endpoints(endpoint).api(api).build();
    }

    /**
     * Ours over TLS: the SSL context, and a backend, or {@code null} for the default (the socket backend).
     */
    TemplateClient(String endpoint, EtcdApi api, javax.net.ssl.SSLContext sslContext,
            dev.etcdspring.core.EtcdHttpBackend backend) {
        EtcdTemplate.Builder builder = EtcdTemplate.builder().endpoints(endpoint).api(api).sslContext(sslContext);
        if (backend != null) {
            builder.httpBackend(backend);
        }
        this.template = builder.build();
    }

    EtcdTemplate template() {
        return this.template;
    }

    @Override
    public String get(String key, boolean linearizable) {
        return this.template.get(key, linearizable ? LINEARIZABLE : LOCAL);
    }

    @Override
    public long set(String key, String value) {
        return this.template.set(key, value).node().modifiedIndex();
    }

    @Override
    public long compareAndSet(String key, long index, String value) {
        return this.template.set(key, value, WriteOptions.defaults().prevIndex(index)).node().modifiedIndex();
    }

    @Override
    public void close() {
        this.template.close();
    }
}
