// One job: the etcd.coordination.* properties: the time to live and prefixes of locks and elections, and the
// application's leader election.
package dev.etcdspring.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for coordination through etcd: Spring Integration's lock registry and leader initiator.
 */
@ConfigurationProperties("etcd.coordination")
public class EtcdCoordinationProperties {

    /**
     * Time to live of locks and leaderships: how long one outlives a holder that stopped renewing it (a crashed
     * process), and how long a holder cut off from etcd still holds it. Whole seconds; renewed every third of it.
     */
    private Duration ttl = Duration.ofSeconds(15);

    /**
     * What the names of the lock registry's etcd locks begin with, before the lock key.
     */
    private String lockPrefix = "locks/";

    /**
     * What the names of the leader initiator's etcd elections begin with, before the candidate's role.
     */
    private String electionPrefix = "elections/";

    private final Leader leader = new Leader();

    public Duration getTtl() {
        return this.ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public String getLockPrefix() {
        return this.lockPrefix;
    }

    public void setLockPrefix(String lockPrefix) {
        this.lockPrefix = lockPrefix;
    }

    public String getElectionPrefix() {
        return this.electionPrefix;
    }

    public void setElectionPrefix(String electionPrefix) {
        this.electionPrefix = electionPrefix;
    }

    public Leader getLeader() {
        return this.leader;
    }

    /**
     * The application's leader election.
     */
    public static class Leader {

        /**
         * Whether the application campaigns for leadership. By default it does when it defines a Candidate bean;
         * when true without one, it campaigns with a candidate of the role and id below that logs its leadership.
         */
        private Boolean enabled;

        /**
         * Role the default candidate campaigns for: the election is the election prefix followed by it.
         */
        private String role = "leader";

        /**
         * Id of the default candidate, proclaimed while it leads. A random UUID when not set.
         */
        private String id;

        public Boolean getEnabled() {
            return this.enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getRole() {
            return this.role;
        }

        public void setRole(String role) {
            this.role = role;
        }

        public String getId() {
            return this.id;
        }

        public void setId(String id) {
            this.id = id;
        }
    }
}
