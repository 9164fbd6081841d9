package dev.etcdspring.sample;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.etcdspring.config.EtcdConfigChangedEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes changes to the open pages as server-sent events: {@code config} when the configuration in etcd changed
 * (the starter rebinds {@link SampleProperties}, then publishes an {@link EtcdConfigChangedEvent}), {@code visits}
 * when the counter moved, {@code leader} when the election's leader changed ({@link LeaderElection}), {@code job}
 * when the leader's job ran here ({@link LeaderJob}). {@link LiveUpdatesShutdown} ends the streams when the
 * application stops.
 */
@Component
class LiveUpdates {

    private final SampleProperties properties;

    private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();

    private volatile boolean open = true;

    LiveUpdates(SampleProperties properties) {
        this.properties = properties;
    }

    static Map<String, Object> configuration(SampleProperties properties) {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("greeting", properties.getGreeting());
        configuration.put("banner",
                Map.of("text", properties.getBanner().getText(), "color", properties.getBanner().getColor()));
        configuration.put("features", new LinkedHashMap<>(properties.getFeatures()));
        return configuration;
    }

    SseEmitter subscribe() {
        // No timeout: the page keeps it open; a dead one is dropped at the next send.
        SseEmitter emitter = new SseEmitter(0L);
        emitter.onCompletion(() -> this.emitters.remove(emitter));
        emitter.onError((ex) -> this.emitters.remove(emitter));
        try {
            // Sent (and the response committed) as soon as the request is set up, so the page knows it is live.
            emitter.send(SseEmitter.event().comment("live"));
        }
        catch (IOException ex) {
            emitter.completeWithError(ex);
            return emitter;
        }
        this.emitters.add(emitter);
        if (!this.open) {
            end(emitter);  // asked for while endAll ran, or after: ended at once, the page reconnects later
        }
        return emitter;
    }

    /**
     * Lets streams stay open again after {@link #endAll()}.
     */
    void open() {
        this.open = true;
    }

    /**
     * Ends every open stream, and the ones asked for from now on as soon as they are set up, until {@link #open()}:
     * the web server's graceful shutdown waits for every request still running, a stream too.
     */
    void endAll() {
        this.open = false;
        this.emitters.forEach(this::end);
    }

    private void end(SseEmitter emitter) {
        if (this.emitters.remove(emitter)) {  // once, whether endAll or subscribe gets to it first
            emitter.complete();
        }
    }

    @EventListener
    void configurationChanged(EtcdConfigChangedEvent event) {
        Map<String, Object> data = new LinkedHashMap<>(configuration(this.properties));
        data.put("changed", event.getChangedNames());
        data.put("index", event.getIndex());
        send("config", data);
    }

    void send(String name, Object data) {
        for (SseEmitter emitter : this.emitters) {
            try {
                emitter.send(SseEmitter.event().name(name).data(data));
            }
            catch (IOException | IllegalStateException ex) {
                this.emitters.remove(emitter);
            }
        }
    }
}
