package dev.etcdspring.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of {@code spring.config.import=etcd:...}. They are read before the application context
 * exists, from the configuration loaded so far (application.yml, the environment, the command line).
 */
@ConfigurationProperties(EtcdConfigProperties.PREFIX)
public class EtcdConfigProperties {

    /** The prefix of these properties. */
    public static final String PREFIX = "etcd.config";

    /**
     * Root of the default contexts an 'etcd:' import without a path loads: {prefix}/application,
     * {prefix}/application,{profile}, {prefix}/{spring.application.name} and {prefix}/{spring.application.name},{profile}.
     */
    private String prefix = "/config";

    /**
     * How the keys under an imported path hold configuration: 'key-value' (one key per property), or 'yaml' or
     * 'properties' (the path is one key holding a whole document).
     */
    private EtcdConfigFormat format = EtcdConfigFormat.KEY_VALUE;

    /**
     * Whether a failure to load configuration from etcd (after the retries) stops the start. When false, it is
     * logged as a warning and the application starts without that configuration.
     */
    private boolean failFast = true;

    private final Retry retry = new Retry();

    private final Watch watch = new Watch();

    public String getPrefix() {
        return this.prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public EtcdConfigFormat getFormat() {
        return this.format;
    }

    public void setFormat(EtcdConfigFormat format) {
        this.format = format;
    }

    public boolean isFailFast() {
        return this.failFast;
    }

    public void setFailFast(boolean failFast) {
        this.failFast = failFast;
    }

    public Retry getRetry() {
        return this.retry;
    }

    public Watch getWatch() {
        return this.watch;
    }

    /**
     * How the imported paths are kept live.
     */
    public static class Watch {

        /**
         * Whether to watch the imported paths once the application is ready, and apply their changes: the
         * property sources, @ConfigurationProperties beans, and @RefreshScope beans with Spring Cloud.
         */
        private boolean enabled = true;

        /**
         * How long a path must be quiet after a change before the change is applied, so that a burst of writes is
         * applied once.
         */
        private Duration delay = Duration.ofMillis(20);

        /**
         * Longest a change waits during an unbroken burst of writes before it is applied anyway.
         */
        private Duration maxDelay = Duration.ofMillis(500);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getDelay() {
            return this.delay;
        }

        public void setDelay(Duration delay) {
            this.delay = delay;
        }

        public Duration getMaxDelay() {
            return this.maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }
    }

    /**
     * How loading retries while etcd cannot be reached.
     */
    public static class Retry {

        /**
         * Most attempts to load a path before giving up (1 for no retry).
         */
        private int maxAttempts = 6;

        /**
         * Pause after the first failed attempt.
         */
        private Duration initialInterval = Duration.ofMillis(500);

        /**
         * Factor by which each pause grows.
         */
        private double multiplier = 1.5;

        /**
         * Longest pause between attempts.
         */
        private Duration maxInterval = Duration.ofSeconds(4);

        public int getMaxAttempts() {
            return this.maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialInterval() {
            return this.initialInterval;
        }

        public void setInitialInterval(Duration initialInterval) {
            this.initialInterval = initialInterval;
        }

        public double getMultiplier() {
            return this.multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxInterval() {
            return this.maxInterval;
        }

        public void setMaxInterval(Duration maxInterval) {
            this.maxInterval = maxInterval;
        }
    }
}
