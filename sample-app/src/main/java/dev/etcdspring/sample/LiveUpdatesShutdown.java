// One job: ending the page's event streams when the application stops, before the web server waits for them.
package dev.etcdspring.sample;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Ends the open server-sent event streams ({@link LiveUpdates#endAll()}) in the phase just before the web server's
 * graceful shutdown, which waits for every request still running, up to
 * {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s): a stream never ends by itself, so without this a page
 * left open would hold Ctrl-C up for those 30 s. It then waits until each stream's response has really ended
 * ({@link EventStreamEnds}), so no page sees its stream cut off. Ordinary requests still finish gracefully.
 */
@Component
class LiveUpdatesShutdown implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(LiveUpdatesShutdown.class);

    /** How long stop() waits for the streams' ends: a Ctrl-C stops within 2 s. They take milliseconds. */
    private static final Duration END_WAIT = Duration.ofMillis(500);

    private final LiveUpdates updates;

    private final EventStreamEnds streams;

    private volatile boolean running;

    LiveUpdatesShutdown(LiveUpdates updates, EventStreamEnds streams) {
        this.updates = updates;
        this.streams = streams;
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
        try {
            if (!this.streams.awaitNoneOpen(END_WAIT)) {
                logger.warn("Event streams still open {} after they were ended; the web server stops them", END_WAIT);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
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
