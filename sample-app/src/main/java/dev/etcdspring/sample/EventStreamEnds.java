// One job: ending each event stream's response within the stream's own last dispatch, and knowing when none is open.
package dev.etcdspring.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Ends each event stream ({@code GET /api/updates}) within its request's last dispatch, and counts the streams whose
 * response has not ended yet, so that {@link LiveUpdatesShutdown} can wait for them before the web server stops.
 * <p>
 * Why: a stream ended by {@link SseEmitter#complete()} is finished by a dispatch back to the container, and Tomcat
 * does not count that dispatch as a request in progress for all of its length. Its graceful shutdown can find nothing
 * active, and the server then close the connection before the response's last chunk is written: the page sees a
 * broken stream rather than an ended one. Closing the output stream here writes that last chunk at once, while the
 * request still counts as active; the count lets the shutdown wait for exactly that.
 */
@Component
class EventStreamEnds extends OncePerRequestFilter {

    private static final String STREAMS = "/api/updates";

    private int open;  // guarded by this

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !STREAMS.equals(request.getRequestURI());
    }

    /**
     * The stream's last dispatch is an asynchronous one: filtered too.
     */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!isAsyncDispatch(request)) {
            opened();
        }
        try {
            chain.doFilter(request, response);
            if (!request.isAsyncStarted() && response.isCommitted()) {
                response.getOutputStream().close();  // the chunked encoding's last chunk, written now
            }
        }
        finally {
            if (!request.isAsyncStarted()) {  // no further dispatch: this stream is over, one way or another
                ended();
            }
        }
    }

    /**
     * Waits until every stream's response has ended.
     *
     * @param within how long at most
     * @return whether none is open now
     */
    synchronized boolean awaitNoneOpen(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (this.open > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private synchronized void opened() {
        this.open++;
    }

    private synchronized void ended() {
        this.open--;
        notifyAll();
    }
}
