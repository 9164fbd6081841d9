// One job: ending the page's event streams when the application stops, before the web server waits for them.
package dev.etcdspring.sample;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Ends the open server-sent event streams ({@link LiveUpdates#endAll()}) in the phase just before the web server's
 * graceful shutdown, which waits for every request still running, up to
 * {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s): a stream never ends by itself, so without this a page
 * left open would hold Ctrl-C up for those 30 s. Ordinary requests still finish gracefully.
 */
@Component
class LiveUpdatesShutdown implements SmartLifecycle {

    private final LiveUpdates updates;

    private volatile boolean running;

    LiveUpdatesShutdown(LiveUpdates updates) {
        this.updates = updates;
    }

    @Override
    public void start() {
        this.updates.open();
        this.running = true;
    }

    @Override
    public void stop() {
        this.running = false;
        this.updates.endAll();
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * Stopped before the web server's graceful shutdown: phases stop from the highest down.
     */
    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;
    }
}
