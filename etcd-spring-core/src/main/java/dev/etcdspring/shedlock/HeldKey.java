// One job: what a holder knows of its lock key: the key, its creation, and what the next guarded write compares.
package dev.etcdspring.shedlock;

/**
 * A lock key as this holder wrote it.
 *
 * @param key the key: verbatim on v3, a directory path on v2
 * @param token the key's create revision (v3) or created index (v2): it changes only when another holder creates
 *        the key anew
 * @param guard what a guarded write compares: the lease the key is attached to (v3), or the key's modified index
 *        (v2)
 */
record HeldKey(String key, long token, long guard) {
}
