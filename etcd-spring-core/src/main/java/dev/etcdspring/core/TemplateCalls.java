// One job: EtcdTemplate's key-value operations as they run: each observed, its input checked, etcd's answer turned
// into the simplified views (values, maps, booleans). A part of the template's wiring, made on its first use, so
// that a template being built and its bean being created load none of it.
package dev.etcdspring.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;

import dev.etcdspring.core.internal.EtcdKeys;
import dev.etcdspring.core.internal.Observations;
import dev.etcdspring.core.internal.ServerVersion;
import dev.etcdspring.core.internal.SwapEngine;
import dev.etcdspring.core.observation.EtcdObservationContext;

/**
 * What {@link EtcdTemplate}'s operations do behind the public methods, which hand each call here. Kept out of the
 * template because Spring reads every method of a bean's class when it creates the bean, loading each type they
 * name: with these methods and their lambdas in {@code EtcdTemplate}, creating a template bean had loaded the
 * protocol, the observations and their contexts, and cost a fresh JVM's start-up 1.2 ms more CPU (median of 21).
 */
final class TemplateCalls {

    /** The parts these calls work through, of which they are one. */
    private final TemplateWiring parts;

    /** Whether reads that choose no consistency are serializable, as the template was built. */
    private final boolean serializableReads;

    TemplateCalls(TemplateWiring parts, boolean serializableReads) {
        this.parts = parts;
        this.serializableReads = serializableReads;
    }

    String get(String key, ReadOptions options) {
        return this.parts.observations.observe("get", key, (context) -> {
            String k = EtcdKeys.normalize(key, "key");
            EtcdResponse response = readIfPresent(k, OptionChecks.notNull(options, "options"), context);
            return (response != null) ? SwapEngine.valueNode(k, response).value() : null;
        });
    }

    /** The response, or {@code null} when there is no such key: missing, or below a key that is a file. */
    private EtcdResponse readIfPresent(String key, ReadOptions options, EtcdObservationContext context) {
        try {
            return this.parts.protocol.get(key, withConsistency(options));
        }
        catch (EtcdKeyNotFoundException | EtcdNotDirectoryException ex) {
            Observations.noteFailure(context, ex);
            return null;
        }
    }

    /** The options with the template's read consistency when they do not choose one. */
    private ReadOptions withConsistency(ReadOptions options) {
        return (this.serializableReads && !options.isQuorumSet()) ? options.quorum(false) : options;
    }

    EtcdResponse getResponse(String key, ReadOptions options) {
        return this.parts.observations.observe("get", key, (context) -> {
            String k = EtcdKeys.normalize(key, "key");
            return this.parts.protocol.get(k, withConsistency(OptionChecks.notNull(options, "options")));
        });
    }

    Map<String, Object> getTree(String dir, ReadOptions options) {
        return this.parts.observations.observe("tree", dir, (context) -> {
            String k = EtcdKeys.normalize(dir, "dir");
            EtcdResponse response = readIfPresent(k, OptionChecks.notNull(options, "options"), context);
            if (response == null) {
                return null;
            }
            if (!response.node().dir()) {
                throw this.parts.protocol.notADirectory(k, response, withConsistency(options));
            }
            return tree(response.node(), options.isRecursive());
        });
    }

    private static Map<String, Object> tree(EtcdNode dir, boolean recursive) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (EtcdNode child : dir.nodes()) {
            Object value = child.dir() ? (recursive ? tree(child, true) : null) : child.value();
            tree.put(child.name(), value);
        }
        return tree;
    }

    EtcdResponse set(String key, String value, WriteOptions options) {
        String operation = (options != null && options.isCompare()) ? "cas" : "set";
        return this.parts.observations.observe(operation, key, (context) -> write(key, value, options));
    }

    private EtcdResponse write(String key, String value, WriteOptions options) {
        String k = writableKey(key);
        checkValue(value, "value", k);
        OptionChecks.notNull(options, "options");
        if (options.getPrevValue() != null) {
            checkValue(options.getPrevValue(), "prevValue", k);
        }
        return this.parts.protocol.put(k, value, options);
    }

    EtcdResponse createInOrder(String dir, String value, WriteOptions options) {
        return this.parts.observations.observe("create", dir, (context) -> {
            String k = EtcdKeys.normalize(dir, "dir");
            checkValue(value, "value", k);
            OptionChecks.notNull(options, "options");
            if (options.isCompare() || options.getPrevExist() != null) {
                throw new IllegalArgumentException("createInOrder in '" + k
                        + "' takes no preconditions (it always creates a new key), got " + options);
            }
            return this.parts.protocol.createInOrder(k, value, options);
        });
    }

    boolean compareAndSet(String key, String expected, String value) {
        return this.parts.observations.observe("cas", key, (context) -> {
            OptionChecks.notNull(expected, "expected");
            return compareAndSet(key, value, WriteOptions.defaults().prevValue(expected), context);
        });
    }

    boolean compareAndSetIndex(String key, long modifiedIndex, String value) {
        return this.parts.observations.observe("cas", key, (context) -> {
            if (modifiedIndex < 1) {
                throw new IllegalArgumentException("modifiedIndex must be positive, got " + modifiedIndex);
            }
            return compareAndSet(key, value, WriteOptions.defaults().prevIndex(modifiedIndex), context);
        });
    }

    private boolean compareAndSet(String key, String value, WriteOptions condition, EtcdObservationContext context) {
        try {
            write(key, value, condition);
            return true;
        }
        catch (EtcdCompareFailedException ex) {
            Observations.noteFailure(context, ex);
            return false;
        }
    }

    String swap(String key, UnaryOperator<String> fn) {
        return this.parts.observations.observe("swap", key, (context) -> {
            String k = writableKey(key);
            return this.parts.swaps.swap(k, OptionChecks.notNull(fn, "fn"), context);
        });
    }

    EtcdResponse delete(String key, WriteOptions options) {
        return this.parts.observations.observe("delete", key, (context) -> {
            String k = writableKey(key);
            OptionChecks.notNull(options, "options");
            if (options.getTtl() != null || options.getPrevExist() != null) {
                throw new IllegalArgumentException(
                        "delete of '" + k + "' takes only prevValue, prevIndex and timeout, got " + options);
            }
            if (options.getPrevValue() != null) {
                checkValue(options.getPrevValue(), "prevValue", k);
            }
            return this.parts.protocol.delete(k, options);
        });
    }

    EtcdResponse deleteAll(String dir) {
        return this.parts.observations.observe("delete-all", dir,
                (context) -> this.parts.protocol.deleteAll(EtcdKeys.normalize(dir, "dir"),
                        WriteOptions.defaults()));
    }

    /** Runs a health check; the timeout was checked by the template. */
    EtcdHealth health(Duration timeout) {
        return this.parts.observations.observe("health", null, (context) -> {
            try {
                return this.parts.health.check(timeout);
            }
            catch (RejectedExecutionException ex) {
                throw this.parts.resources.closedOr(ex);
            }
        });
    }

    EtcdVersion version() {
        return this.parts.observations.observe("version", null,
                (context) -> ServerVersion.read(this.parts.transport, null));
    }

    List<EtcdMember> members() {
        return this.parts.observations.observe("members", null, (context) -> this.parts.protocol.members(null));
    }

    private static String writableKey(String key) {
        String k = EtcdKeys.normalize(key, "key");
        if (k.equals(EtcdKeys.ROOT)) {
            throw new IllegalArgumentException("key must not be the root ('" + key
                    + "'): etcd's root is read only; name a key below it");
        }
        return k;
    }

    private static void checkValue(String value, String what, String key) {
        if (value == null) {
            throw new IllegalArgumentException(what + " for key '" + key + "' must not be null");
        }
        EtcdKeys.checkValue(value, what, key);
    }
}
