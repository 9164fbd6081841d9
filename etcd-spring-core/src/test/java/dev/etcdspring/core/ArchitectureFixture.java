package dev.etcdspring.core;

import java.util.List;

import dev.etcdspring.core.internal.HttpCall;
import dev.etcdspring.core.v3.V3Protocol;

/**
 * A public type that leaks internal types, for {@code CoreArchitectureTest} to prove its check finds them: in a
 * public signature, in a type argument and in a public field; not in a private member or a package-private type.
 */
public class ArchitectureFixture {

    public V3Protocol protocol;

    private HttpCall hiddenField;

    public HttpCall call() {
        return this.hiddenField;
    }

    public void calls(List<HttpCall> calls) {
    }

    private HttpCall privateCall() {
        return null;
    }

    static class Hidden {

        public HttpCall call() {
            return null;
        }
    }
}
