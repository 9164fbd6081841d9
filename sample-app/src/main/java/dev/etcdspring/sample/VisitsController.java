package dev.etcdspring.sample;

import java.util.Map;

import dev.etcdspring.core.EtcdNodeExistsException;
import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.WriteOptions;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A visit counter kept in etcd: every POST increments it with {@link EtcdOperations#swap}, so concurrent
 * requests, even from several instances of the application, never lose an increment.
 */
@RestController
class VisitsController {

    static final String COUNTER = "/sample-app/visits";

    private final EtcdOperations etcd;

    private final LiveUpdates updates;

    VisitsController(EtcdOperations etcd, LiveUpdates updates) {
        this.etcd = etcd;
        this.updates = updates;
    }

    @PostMapping("/visits")
    Map<String, Object> visit() {
        try {
            this.etcd.set(COUNTER, "0", WriteOptions.defaults().prevExist(false));
        }
        catch (EtcdNodeExistsException ex) {
            // counted before: keep counting
        }
        long visits = Long.parseLong(this.etcd.swap(COUNTER, (n) -> Long.toString(Long.parseLong(n) + 1)));
        this.updates.send("visits", Map.of("visits", visits));
        return Map.of("visits", visits);
    }

    @GetMapping("/visits")
    Map<String, Object> visits() {
        return Map.of("visits", count());
    }

    long count() {
        String visits = this.etcd.get(COUNTER);
        return (visits != null) ? Long.parseLong(visits) : 0L;
    }

    @GetMapping("/etcd")
    Map<String, Object> etcd() {
        return Map.of("api", this.etcd.api().name(), "version", this.etcd.version().server());
    }
}
