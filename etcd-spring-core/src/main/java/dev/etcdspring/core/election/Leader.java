// One job: a leader of an election, as read from its key.
package dev.etcdspring.core.election;

/**
 * The leader of an election, read from its key.
 *
 * @param election the election's name
 * @param key the leader's key
 * @param term the leader's term: its key's create revision (v3) or created index (v2); greater for every new leader
 * @param value the value the leader proclaims
 */
public record Leader(String election, String key, long term, String value) {
}
