// One job: the properties of ShedLock on etcd (etcd.coordination.shedlock.*).
package dev.etcdspring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the auto-configured ShedLock {@link dev.etcdspring.shedlock.EtcdLockProvider}.
 */
@ConfigurationProperties("etcd.coordination.shedlock")
public final class EtcdShedLockProperties {

    // A literal, not EtcdLockProvider.DEFAULT_PREFIX: the configuration processor shows only literal defaults.
    /**
     * What the key of each ShedLock lock starts with, followed by the lock's name: verbatim on the v3 API
     * ('etcdctl get shedlock/my-job'), a directory path on v2.
     */
    private String prefix = "shedlock/";

    /**
     * The prefix of the lock keys.
     *
     * @return the prefix
     */
    public String getPrefix() {
        return this.prefix;
    }

    /**
     * Sets the prefix of the lock keys.
     *
     * @param prefix the prefix
     */
    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }
}
