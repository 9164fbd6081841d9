package dev.etcdspring.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a real etcd whose link can be cut and restored, for faults a server cannot produce on
 * demand: while cut, every open connection is dropped and every new one is hung up on at once, as a network
 * partition between the client and etcd would look to the client. It can also {@link #stall()} (a blackhole: the
 * connections stay open and nothing gets through, so that the client sees only its own timeouts) and
 * {@link #delayToTarget(Duration) delay} what clients send, or {@link #delayToClient(Duration) what etcd answers},
 * as a slow link would. While its target is down (a killed member), it hangs up on each new connection at once, so
 * that the client sees the member gone, as it would without the proxy, rather than a link that swallows its request.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;

    private final URI target;

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final AtomicInteger accepted = new AtomicInteger();

    private volatile boolean cut;

    private volatile boolean stalled;

    private volatile long delayToTargetNanos;

    private volatile long delayToClientNanos;

    private TcpProxy(String target, InetAddress bindAddress) {
        this.target = URI.create(target);
        try {
            this.server = new ServerSocket(0, 50, bindAddress);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + this.server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * A proxy to an etcd endpoint.
     *
     * @param endpoint the endpoint's base URL
     * @return the running proxy
     */
    public static TcpProxy to(String endpoint) {
        return new TcpProxy(endpoint, InetAddress.getLoopbackAddress());
    }

    /**
     * A proxy to an etcd endpoint listening on another loopback address, such as {@code 127.0.0.2}: a TLS client
     * that connects through it connects to a host the server's certificate does not name.
     *
     * @param endpoint the endpoint's base URL
     * @param bindAddress the loopback address to listen on
     * @return the running proxy
     */
    public static TcpProxy to(String endpoint, InetAddress bindAddress) {
        return new TcpProxy(endpoint, bindAddress);
    }

    /**
     * The URL to give a client.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String url() {
        return url("http");
    }

    /**
     * The URL to give a client, with a scheme: {@code https} for a proxy in front of a TLS etcd (the proxy passes
     * the encrypted bytes on as they are).
     *
     * @param scheme {@code http} or {@code https}
     * @return {@code <scheme>://<address>:<port>}
     */
    public String url(String scheme) {
        return scheme + "://" + this.server.getInetAddress().getHostAddress() + ":" + this.server.getLocalPort();
    }

    /**
     * How many connections clients opened, cut or not.
     *
     * @return the count
     */
    public int connections() {
        return this.accepted.get();
    }

    /**
     * Drops every connection and hangs up on new ones until {@link #restore()}.
     */
    public void cut() {
        this.cut = true;
        this.sockets.forEach(TcpProxy::closeQuietly);
        this.sockets.clear();
    }

    /**
     * Keeps every connection open and accepts new ones, but passes nothing on in either direction until
     * {@link #restore()}: what arrives meanwhile is dropped, as a network that loses every packet would drop it.
     * Once this returns, no more bytes reach either side.
     */
    public void stall() {
        this.stalled = true;
        // A pump writes under its lock and checks the flag first: taking each lock waits out a write under way.
        this.pumpLocks.forEach((lock) -> {
            synchronized (lock) {
                // nothing: the write under way, if any, is over
            }
        });
    }

    /**
     * Holds every chunk a client sends for {@code delay} before passing it on to etcd (each chunk on its own, so
     * that the link's latency is the delay however the client splits its writes).
     *
     * @param delay the delay, zero for none; applies to what arrives from now on
     */
    public void delayToTarget(Duration delay) {
        this.delayToTargetNanos = delay.toNanos();
    }

    /**
     * Holds every chunk etcd answers for {@code delay} before passing it on to the client, as
     * {@link #delayToTarget(Duration)} does the other way.
     *
     * @param delay the delay, zero for none; applies to what arrives from now on
     */
    public void delayToClient(Duration delay) {
        this.delayToClientNanos = delay.toNanos();
    }

    /**
     * Lets connections through again, after {@link #cut()} or {@link #stall()}; a delay stays.
     */
    public void restore() {
        this.cut = false;
        this.stalled = false;
    }

    private void accept() {
        while (!this.server.isClosed()) {
            try {
                Socket client = this.server.accept();
                this.accepted.incrementAndGet();
                if (this.cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream;
                try {
                    upstream = new Socket(this.target.getHost(), this.target.getPort());
                }
                catch (IOException ex) {
                    // The target is down: hang up on the client at once, so that a dead member looks refused
                    // to it, as without the proxy, not blackholed (the client waiting for its own timeout).
                    closeQuietly(client);
                    continue;
                }
                this.sockets.add(client);
                this.sockets.add(upstream);
                pipe(client, upstream, true);
                pipe(upstream, client, false);
            }
            catch (IOException ex) {
                if (this.server.isClosed()) {
                    return;
                }
            }
        }
    }

    private final Set<Object> pumpLocks = ConcurrentHashMap.newKeySet();

    /** A chunk read, and when it may be passed on. */
    private record Chunk(byte[] bytes, long dueNanos) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private void pipe(Socket from, Socket to, boolean toTarget) {
        Object lock = new Object();
        this.pumpLocks.add(lock);
        // The reader stamps each chunk with its due time and the writer passes it on then, so that a delay is a
        // latency, not a throttle; both end when either side goes away.
        BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (InputStream in = from.getInputStream()) {
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) != -1;) {
                    long delay = toTarget ? this.delayToTargetNanos : this.delayToClientNanos;
                    chunks.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delay));
                }
            }
            catch (IOException ex) {
                // one side went away
            }
            finally {
                chunks.add(END);
            }
        }, "tcp-proxy-pump");
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                for (Chunk chunk; (chunk = chunks.take()) != END;) {
                    for (long left; (left = chunk.dueNanos() - System.nanoTime()) > 0;) {
                        TimeUnit.NANOSECONDS.sleep(left);
                    }
                    synchronized (lock) {
                        if (!this.stalled) {
                            out.write(chunk.bytes());
                            out.flush();
                        }
                    }
                }
            }
            catch (IOException | InterruptedException ex) {
                // one side went away
            }
            finally {
                this.pumpLocks.remove(lock);
                closeQuietly(from);
                closeQuietly(to);
                this.sockets.remove(from);
                this.sockets.remove(to);
            }
        }, "tcp-proxy-pump");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException ex) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closeQuietly(this.sockets);
        try {
            this.server.close();
        }
        catch (IOException ex) {
            // closing anyway
        }
    }

    private static void closeQuietly(Set<Socket> sockets) {
        sockets.forEach(TcpProxy::closeQuietly);
    }
}
