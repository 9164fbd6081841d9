package dev.etcdspring.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The configuration as the application sees it now: {@code GET /greeting}, the whole state for the page
 * ({@code GET /api/state}: the configuration, the visits, the leader and its job), and its changes as they happen
 * ({@code GET /api/updates}, server-sent events).
 */
@RestController
class GreetingController {

    private final SampleProperties properties;

    private final VisitsController visits;

    private final LeaderController leader;

    private final LiveUpdates updates;

    GreetingController(SampleProperties properties, VisitsController visits, LeaderController leader,
            LiveUpdates updates) {
        this.properties = properties;
        this.visits = visits;
        this.leader = leader;
        this.updates = updates;
    }

    @GetMapping("/greeting")
    Map<String, Object> greeting() {
        return Map.of("greeting", this.properties.getGreeting());
    }

    @GetMapping("/api/state")
    Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>(LiveUpdates.configuration(this.properties));
        state.put("visits", this.visits.count());
        state.put("leader", this.leader.leader());
        return state;
    }

    @GetMapping("/api/updates")
    SseEmitter updates() {
        return this.updates.subscribe();
    }
}
