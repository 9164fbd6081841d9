package dev.etcdspring.benchmarks;

import java.nio.charset.StandardCharsets;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * jetcd (v3 only), etcd's own Java client over gRPC, called and waited on from each thread.
 */
final class JetcdClient implements Client {

    private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

    private final io.etcd.jetcd.Client client;

    private final KV kv;

    JetcdClient(String endpoint) {
        this(endpoint, null);
    }

    /**
     * A client over TLS when {@code sslContext} is given (Netty's, built with gRPC's {@code GrpcSslContexts} so that
     * it offers HTTP/2 by ALPN).
     */
    JetcdClient(String endpoint, io.netty.handler.ssl.SslContext sslContext) {
        io.etcd.jetcd.ClientBuilder builder = io.etcd.jetcd.Client.builder().endpoints(endpoint);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.client = builder.build();
        this.kv = this.client.getKVClient();
    }

    /** jetcd's own key-value client, for the v3-native measurements. */
    KV kv() {
        return this.kv;
    }

    /** jetcd's client, for the lock measurements (its {@code Lock} and {@code Lease}). */
    io.etcd.jetcd.Client client() {
        return this.client;
    }

    @Override
    public String get(String key, boolean linearizable) throws Exception {
        GetResponse response = this.kv.get(bytes(key), linearizable ? GetOption.DEFAULT : SERIALIZABLE).get();
        return response.getKvs().isEmpty() ? null : response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    @Override
    public long set(String key, String value) throws Exception {
        return this.kv.put(bytes(key), bytes(value)).get().getHeader().getRevision();
    }

    @Override
    public long compareAndSet(String key, long index, String value) throws Exception {
        ByteSequence k = bytes(key);
        TxnResponse response = this.kv.txn()
            .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(index)))
            .Then(Op.put(k, bytes(value), PutOption.DEFAULT))
            .commit()
            .get();
        if (!response.isSucceeded()) {
            throw new IllegalStateException("compare failed on " + key + " at " + index);
        }
        return response.getHeader().getRevision();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        this.client.close();
    }
}
