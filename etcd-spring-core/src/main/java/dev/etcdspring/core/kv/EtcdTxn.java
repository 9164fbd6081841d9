// One job: a transaction being built (jetcd's Txn): comparisons, the operations if they all hold, the operations
// if not, then one commit.
package dev.etcdspring.core.kv;

import java.time.Duration;
import java.util.List;

/**
 * A transaction, from {@link EtcdKeyValueOperations#txn()}: every comparison is checked and one branch applied,
 * atomically, at one revision.
 *
 * <pre>{@code
 * TxnResult result = kv.txn()
 *         .when(Compare.modRevision("config/mode").isEqualTo(read.modRevision()))
 *         .then(Op.put("config/mode", "green"))
 *         .otherwise(Op.get("config/mode"))
 *         .commit();
 * if (!result.succeeded()) {
 *     KeyValue current = result.response(0, RangeResult.class).first();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: build and commit it on one thread. Each call adds to what was given before.
 */
public interface EtcdTxn {

    /**
     * Adds comparisons; the {@code then} branch runs only if all of them hold. None: the {@code then} branch runs.
     *
     * @param compares the comparisons
     * @return this transaction
     */
    EtcdTxn when(Compare... compares);

    /**
     * Adds comparisons.
     *
     * @param compares the comparisons
     * @return this transaction
     */
    EtcdTxn when(List<Compare> compares);

    /**
     * Adds operations to the branch that runs when every comparison holds.
     *
     * @param ops the operations, applied in order
     * @return this transaction
     */
    EtcdTxn then(Op... ops);

    /**
     * Adds operations to the branch that runs when every comparison holds.
     *
     * @param ops the operations
     * @return this transaction
     */
    EtcdTxn then(List<Op> ops);

    /**
     * Adds operations to the branch that runs when a comparison fails.
     *
     * @param ops the operations, applied in order
     * @return this transaction
     */
    EtcdTxn otherwise(Op... ops);

    /**
     * Adds operations to the branch that runs when a comparison fails.
     *
     * @param ops the operations
     * @return this transaction
     */
    EtcdTxn otherwise(List<Op> ops);

    /**
     * How long to wait for the answer, instead of the template's timeout.
     *
     * @param timeout a positive duration
     * @return this transaction
     */
    EtcdTxn timeout(Duration timeout);

    /**
     * Sends the transaction. One that writes is sent once: when its answer is lost, the exception says that it
     * may have been applied ({@link dev.etcdspring.core.EtcdException#isOutcomeUnknown()}).
     *
     * @return which branch ran, and its results; a comparison that failed is not an exception
     *         ({@link TxnResult#succeeded()} is {@code false})
     * @throws dev.etcdspring.core.EtcdException with HTTP status 400 when etcd refuses the transaction as malformed
     *         (two writes to one key, more operations than its {@code --max-txn-ops}); nothing was written
     * @throws IllegalStateException when this transaction was committed before
     */
    TxnResult commit();
}
