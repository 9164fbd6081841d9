// One job: what a transaction answered: which branch ran, each of its operations' results, and the revision.
package dev.etcdspring.core.kv;

import java.util.List;

/**
 * The result of a transaction.
 *
 * @param succeeded whether every comparison held, so that the {@code then} branch ran; {@code false} when the
 *        {@code otherwise} branch ran
 * @param responses the results of the branch that ran, one per operation, in order
 * @param revision the revision after the transaction (unchanged when it wrote nothing)
 */
public record TxnResult(boolean succeeded, List<OpResult> responses, long revision) {

    /**
     * Copies the list.
     *
     * @param succeeded which branch ran
     * @param responses the results
     * @param revision the revision
     */
    public TxnResult {
        responses = List.copyOf(responses);
    }

    /**
     * The result of one operation of the branch that ran, as the type it has.
     *
     * @param index the operation's position in its branch
     * @param type the result's type: {@link RangeResult}, {@link PutResult} or {@link DeleteResult}
     * @param <T> the type
     * @return the result
     * @throws IllegalArgumentException when that operation's result is of another type
     */
    public <T extends OpResult> T response(int index, Class<T> type) {
        OpResult result = this.responses.get(index);
        if (!type.isInstance(result)) {
            throw new IllegalArgumentException("operation " + index + " of the " + (this.succeeded ? "then" : "otherwise")
                    + " branch gave a " + result.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(result);
    }
}
