// One job: what one operation of the v3-native API answered: a range, a put or a delete, with its revision.
package dev.etcdspring.core.kv;

/**
 * The result of one operation, alone or as one of a transaction's: a {@link RangeResult}, a {@link PutResult} or a
 * {@link DeleteResult}.
 */
public sealed interface OpResult permits RangeResult, PutResult, DeleteResult {

    /**
     * The revision of the keyspace the operation saw: the header revision of its answer (of the transaction's, in
     * a transaction).
     *
     * @return the revision
     */
    long revision();
}
