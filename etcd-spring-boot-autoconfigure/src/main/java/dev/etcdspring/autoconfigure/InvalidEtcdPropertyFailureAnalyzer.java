package dev.etcdspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed on an {@code etcd.*} property, naming the property and what it needs.
 */
class InvalidEtcdPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEtcdPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidEtcdPropertyException cause) {
        return new FailureAnalysis(
                "The property '" + cause.getProperty() + "' has the value '" + cause.getValue()
                        + "', which etcd-spring-boot cannot use: " + cause.getCause().getMessage(),
                "Correct '" + cause.getProperty() + "' in your configuration, for example "
                        + example(cause.getProperty()) + ".",
                cause);
    }

    private static String example(String property) {
        return switch (property) {
            case "etcd.endpoints" -> "etcd.endpoints=http://127.0.0.1:2379 (http or https URLs, comma-separated)";
            case "etcd.username" -> "etcd.username=app with etcd.password, or neither";
            default -> property + " with a positive duration such as 5s";
        };
    }
}
