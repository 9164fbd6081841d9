package dev.etcdspring.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed because configuration could not be loaded from etcd, and the ways out.
 */
class EtcdConfigDataFailureAnalyzer extends AbstractFailureAnalyzer<EtcdConfigDataException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EtcdConfigDataException cause) {
        return new FailureAnalysis(cause.getMessage(), "Check that etcd answers at " + cause.getEndpoints()
                + " (etcd.endpoints) and holds " + cause.getPath() + ". To start without it, import it as 'optional:etcd:"
                + cause.getPath() + "', or set etcd.config.fail-fast=false to only log the failure.", cause);
    }
}
