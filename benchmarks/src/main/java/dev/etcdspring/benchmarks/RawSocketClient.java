package dev.etcdspring.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.etcdspring.core.EtcdApi;

/**
 * The floor for any Java HTTP client: the request written by hand on one kept-alive socket per thread, the
 * response read by its {@code Content-Length} (or its chunks, for a large answer), the value found by string search. No pooling, no parsing, no
 * retries.
 */
final class RawSocketClient implements Client {

    private final EtcdApi api;

    private final String host;

    private final int port;

    private final Queue<Connection> connections = new ConcurrentLinkedQueue<>();

    private final ThreadLocal<Connection> connection = ThreadLocal.withInitial(this::connect);

    RawSocketClient(String endpoint, EtcdApi api) {
        URI uri = URI.create(endpoint);
        this.api = api;
        this.host = uri.getHost();
        this.port = uri.getPort();
    }

    @Override
    public String get(String key, boolean linearizable) throws IOException {
        String body = Wire.getBody(this.api, key, linearizable);
        return Wire.value(this.api, this.connection.get()
            .exchange((body != null) ? "POST" : "GET", Wire.getPath(this.api, key, linearizable), Wire.JSON, body));
    }

    @Override
    public long set(String key, String value) throws IOException {
        return write(key, 0, value);
    }

    @Override
    public long compareAndSet(String key, long index, String value) throws IOException {
        return write(key, index, value);
    }

    /**
     * A {@code POST} of a JSON body on this thread's connection (the v3 gateway's requests).
     *
     * @return the body of the answer, unparsed
     */
    String post(String path, String json) throws IOException {
        return this.connection.get().exchange("POST", path, Wire.JSON, json);
    }

    private long write(String key, long index, String value) throws IOException {
        String response = this.connection.get()
            .exchange((this.api == EtcdApi.V2) ? "PUT" : "POST", Wire.writePath(this.api, key, index),
                    Wire.writeContentType(this.api), Wire.writeBody(this.api, key, index, value));
        return Wire.writtenIndex(this.api, response, index > 0);
    }

    private Connection connect() {
        try {
            Connection c = new Connection(new Socket(this.host, this.port), this.host + ":" + this.port);
            this.connections.add(c);
            return c;
        }
        catch (IOException ex) {
            throw new IllegalStateException("cannot connect to " + this.host + ":" + this.port, ex);
        }
    }

    @Override
    public void close() throws IOException {
        for (Connection c : this.connections) {
            c.socket.close();
        }
    }

    /** One kept-alive HTTP/1.1 connection, used by one thread. */
    private static final class Connection {

        private final Socket socket;

        private final String hostHeader;

        private final OutputStream out;

        private final InputStream in;

        private final StringBuilder line = new StringBuilder();

        Connection(Socket socket, String hostHeader) throws IOException {
            this.socket = socket;
            this.hostHeader = hostHeader;
            socket.setTcpNoDelay(true);
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream());
        }

        /** Sends one request, returns the body of a 2xx response; anything else throws. */
        String exchange(String method, String path, String contentType, String body) throws IOException {
            StringBuilder request = new StringBuilder(256).append(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: ").append(this.hostHeader).append("\r\nAccept: application/json\r\n");
            byte[] content = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : null;
            if (content != null) {
                request.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ")
                    .append(content.length).append("\r\n");
            }
            this.out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            if (content != null) {
                this.out.write(content);
            }
            this.out.flush();
            String status = readLine();
            int length = -1;
            boolean chunked = false;
            for (String header = readLine(); !header.isEmpty(); header = readLine()) {
                if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
                else if (header.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
                    chunked = header.substring(18).trim().equalsIgnoreCase("chunked");
                }
            }
            if (length < 0 && !chunked) {
                throw new IOException("neither Content-Length nor chunks in the response to " + method + " " + path);
            }
            String responseBody = new String(chunked ? readChunks() : this.in.readNBytes(length),
                    StandardCharsets.UTF_8);
            if (status.length() < 12 || status.charAt(9) != '2') {
                throw new IOException(method + " " + path + ": " + status + " " + responseBody);
            }
            return responseBody;
        }

        /** A chunked body (etcd's gateway sends answers over its 4 KB buffer so): the chunks, then the trailers. */
        private byte[] readChunks() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
            for (String size = readLine(); ; size = readLine()) {
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon < 0) ? size.trim() : size.substring(0, semicolon).trim(), 16);
                if (n == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers, none expected
                    }
                    return body.toByteArray();
                }
                body.write(this.in.readNBytes(n));
                readLine();
            }
        }

        private String readLine() throws IOException {
            this.line.setLength(0);
            for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    this.line.append((char) b);
                }
            }
            return this.line.toString();
        }
    }
}
