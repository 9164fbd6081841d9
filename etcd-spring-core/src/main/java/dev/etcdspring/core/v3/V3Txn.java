// One job: a v3 transaction being built and its one commit: comparisons and branches as the gateway takes them.
package dev.etcdspring.core.v3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.etcdspring.core.internal.Observations;
import dev.etcdspring.core.kv.Compare;
import dev.etcdspring.core.kv.EtcdTxn;
import dev.etcdspring.core.kv.KvBytes;
import dev.etcdspring.core.kv.Op;
import dev.etcdspring.core.kv.TxnResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * A transaction of {@link V3KeyValue}: one {@code txn} observation, sent once unless it only reads.
 */
final class V3Txn implements EtcdTxn {

    private final V3Gateway gateway;

    private final Observations observations;

    private final List<Compare> compares = new ArrayList<>();

    private final List<Op> success = new ArrayList<>();

    private final List<Op> failure = new ArrayList<>();

    private Duration timeout;

    private boolean committed;

    V3Txn(V3Gateway gateway, Observations observations) {
        this.gateway = gateway;
        this.observations = observations;
    }

    @Override
    public EtcdTxn when(Compare... compares) {
        return when(Arrays.asList(check(compares, "compares")));
    }

    @Override
    public EtcdTxn when(List<Compare> compares) {
        this.compares.addAll(elements(compares, "compares"));
        return this;
    }

    @Override
    public EtcdTxn then(Op... ops) {
        return then(Arrays.asList(check(ops, "ops")));
    }

    @Override
    public EtcdTxn then(List<Op> ops) {
        this.success.addAll(elements(ops, "ops"));
        return this;
    }

    @Override
    public EtcdTxn otherwise(Op... ops) {
        return otherwise(Arrays.asList(check(ops, "ops")));
    }

    @Override
    public EtcdTxn otherwise(List<Op> ops) {
        this.failure.addAll(elements(ops, "ops"));
        return this;
    }

    @Override
    public EtcdTxn timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    @Override
    public TxnResult commit() {
        if (this.committed) {
            throw new IllegalStateException("this transaction was committed already; start another with txn()");
        }
        this.committed = true;
        String shown = subject();
        return this.observations.observe("txn", shown, (context) -> {
            ArrayNode compare = V3Json.array();
            this.compares.forEach((c) -> compare.add(V3KvCodec.compare(c)));
            JsonNode answer = this.gateway.post("/v3/kv/txn",
                    V3Json.txnRequest(compare, V3KvCodec.ops(this.success), V3KvCodec.ops(this.failure)),
                    V3KvCodec.readOnly(this.success, this.failure), this.timeout, shown);
            return V3KvCodec.txnResult(answer);
        });
    }

    /** The key the transaction is about, for messages: its first comparison's or operation's. */
    private String subject() {
        if (!this.compares.isEmpty()) {
            return KvBytes.display(this.compares.get(0).key());
        }
        if (!this.success.isEmpty()) {
            return KvBytes.display(this.success.get(0).key());
        }
        return this.failure.isEmpty() ? null : KvBytes.display(this.failure.get(0).key());
    }

    private static <T> T[] check(T[] array, String name) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return array;
    }

    private static <T> List<T> elements(List<T> list, String name) {
        if (list == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        for (T element : list) {
            if (element == null) {
                throw new IllegalArgumentException(name + " must not hold null, got " + list);
            }
        }
        return list;
    }
}
