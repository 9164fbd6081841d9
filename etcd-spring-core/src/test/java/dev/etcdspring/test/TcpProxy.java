package dev.etcdspring.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a real etcd whose link can be cut and restored, for faults a server cannot produce on
 * demand: while cut, every open connection is dropped and every new one is hung up on at once, as a network
 * partition between the client and etcd would look to the client.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;

    private final URI target;

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final AtomicInteger accepted = new AtomicInteger();

    private volatile boolean cut;

    private TcpProxy(String target) {
        this.target = URI.create(target);
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
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
        return new TcpProxy(endpoint);
    }

    /**
     * The URL to give a client.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String url() {
        return "http://127.0.0.1:" + this.server.getLocalPort();
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
     * Lets connections through again.
     */
    public void restore() {
        this.cut = false;
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
                Socket upstream = new Socket(this.target.getHost(), this.target.getPort());
                this.sockets.add(client);
                this.sockets.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            }
            catch (IOException ex) {
                if (this.server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            }
            catch (IOException ex) {
                // one side went away
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        pump.setDaemon(true);
        pump.start();
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
