package dev.etcdspring.sample;

import java.util.Map;

import dev.etcdspring.core.EtcdOperations;
import dev.etcdspring.core.EtcdNodeExistsException;
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

    VisitsController(EtcdOperations etcd) {
        this.etcd = etcd;
    }

    @PostMapping("/visits")
    Map<String, Object> visit() {
        try {
            this.etcd.set(COUNTER, "0", WriteOptions.defaults().prevExist(false));
        }
        catch (EtcdNodeExistsException ex) {
            // counted before: keep counting
        }
        String visits = this.etcd.swap(COUNTER, (n) -> Long.toString(Long.parseLong(n) + 1));
        return Map.of("visits", Long.parseLong(visits));
    }

    @GetMapping("/visits")
    Map<String, Object> visits() {
        String visits = this.etcd.get(COUNTER);
        return Map.of("visits", (visits != null) ? Long.parseLong(visits) : 0L);
    }

    @GetMapping("/etcd")
    Map<String, Object> etcd() {
        return Map.of("api", this.etcd.api().name(), "version", this.etcd.version().server());
    }
}
