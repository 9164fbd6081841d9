package dev.etcdspring.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local endpoint in front of a real etcd that produces the faults a real server cannot produce on demand. It
 * reads each whole HTTP request, then, by its {@link Mode}, never answers, or forwards the request to etcd and
 * hangs up before passing the answer on. It counts the requests it received.
 */
public final class FaultyEndpoint implements AutoCloseable {

    /** What the endpoint does with a request it has read. */
    public enum Mode {

        /** Hold the connection open and never answer: a stalled server. */
        STALL,

        /** Forward the request to etcd, wait for etcd's answer, then close without passing it on. */
        FORWARD_THEN_HANG_UP
    }

    private final ServerSocket server;

    private final Mode mode;

    private final URI target;

    private final AtomicInteger requests = new AtomicInteger();

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private final Thread acceptor;

    private FaultyEndpoint(Mode mode, String target) {
        this.mode = mode;
        this.target = (target != null) ? URI.create(target) : null;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.acceptor = new Thread(this::accept, "faulty-endpoint-" + this.server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /**
     * An endpoint that reads requests and never answers.
     *
     * @return the running endpoint
     */
    public static FaultyEndpoint stalling() {
        return new FaultyEndpoint(Mode.STALL, null);
    }

    /**
     * An endpoint that lets etcd apply each request but hangs up before the answer reaches the client.
     *
     * @param etcd the base URL of the real etcd
     * @return the running endpoint
     */
    public static FaultyEndpoint hangingUpAfter(String etcd) {
        return new FaultyEndpoint(Mode.FORWARD_THEN_HANG_UP, etcd);
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
     * How many whole requests arrived.
     *
     * @return the count
     */
    public int requests() {
        return this.requests.get();
    }

    private void accept() {
        while (!this.server.isClosed()) {
            try {
                Socket socket = this.server.accept();
                this.sockets.add(socket);
                Thread handler = new Thread(() -> handle(socket), "faulty-endpoint-conn");
                handler.setDaemon(true);
                handler.start();
            }
            catch (IOException ex) {
                return;
            }
        }
    }

    private void handle(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                byte[] request = readRequest(in);
                if (request == null) {
                    return;
                }
                this.requests.incrementAndGet();
                if (this.mode == Mode.FORWARD_THEN_HANG_UP) {
                    forward(request);
                    socket.close();
                    return;
                }
            }
        }
        catch (IOException ex) {
            // the client went away
        }
    }

    private void forward(byte[] request) throws IOException {
        try (Socket etcd = new Socket(this.target.getHost(), this.target.getPort())) {
            etcd.getOutputStream().write(request);
            etcd.getOutputStream().flush();
            readResponseHead(etcd.getInputStream());
        }
    }

    /** One request: the head up to the blank line, then Content-Length bytes of body. */
    private static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        head.write(in.readNBytes(length));
        return head.toByteArray();
    }

    private static void readResponseHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
        }
    }

    @Override
    public void close() {
        try {
            this.server.close();
        }
        catch (IOException ex) {
            // closing anyway
        }
        for (Socket socket : this.sockets) {
            try {
                socket.close();
            }
            catch (IOException ex) {
                // closing anyway
            }
        }
    }
}
