package dev.etcdspring.core.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.MultiValueMapAdapter;

/**
 * An HTTP/1.1 answer read from a {@link SocketConnection}: the status line and headers at once, the body as it is
 * read (by {@code Content-Length}, chunked, or to the end of the stream). Once the body has been read to its end the
 * connection goes back to the pool; an answer closed before that closes its connection, since what is left of the
 * body (a watch still waiting for its event) would be in the way of the next request.
 */
final class SocketAnswer implements ClientHttpResponse {

    /** What becomes of the connection once the answer is done with it. */
    @FunctionalInterface
    interface Release {

        void release(boolean reusable);
    }

    private final int status;

    private final String reason;

    private final HttpHeaders headers;

    private final Body body;

    private SocketAnswer(int status, String reason, HttpHeaders headers, Body body) {
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Reads an answer's status line and headers.
     *
     * @param connection the connection the request went out on
     * @param head whether the request was a {@code HEAD} (no body follows)
     * @param deadline the {@link System#nanoTime()} to give up at, for the whole answer
     * @param release what to do with the connection when the answer is done
     * @return the answer, its body still to read
     * @throws IOException when the answer is broken, late, or never came
     */
    static SocketAnswer read(SocketConnection connection, boolean head, long deadline, Release release)
            throws IOException {
        int end;
        // The answer cannot have arrived yet: wait for it before the first read rather than after a read that finds
        // nothing.
        boolean waitFirst = true;
        while ((end = headerEnd(connection.input())) < 0) {
            boolean filled = connection.fill(deadline, waitFirst);
            waitFirst = false;
            if (!filled) {
                throw new EOFException("etcd at " + connection.endpoint() + " closed the connection "
                        + (connection.input().hasRemaining() ? "in the middle of an answer" : "without answering"));
            }
        }
        ByteBuffer input = connection.input();
        byte[] bytes = input.array();
        int lineEnd = lineEnd(bytes, input.position(), end);
        String statusLine = new String(bytes, input.position(), lineEnd - input.position(),
                StandardCharsets.ISO_8859_1);
        // "HTTP/1.1 200 OK"
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new IOException("etcd at " + connection.endpoint() + " did not answer in HTTP/1.x: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(statusLine, 9, 12, 10);
        }
        catch (NumberFormatException ex) {
            throw new IOException("etcd at " + connection.endpoint() + " answered an invalid status: " + statusLine);
        }
        AnswerHeaders parsed = new AnswerHeaders();
        for (int start = lineEnd + 2; start < end; start = lineEnd + 2) {
            lineEnd = lineEnd(bytes, start, end);
            int colon = indexOf(bytes, ':', start, lineEnd);
            if (colon > start) {
                parsed.add(ascii(bytes, start, colon), ascii(bytes, colon + 1, lineEnd));
            }
        }
        HttpHeaders headers = HttpHeaders.readOnlyHttpHeaders(new MultiValueMapAdapter<>(parsed));
        input.position(end + 4);
        boolean keepAlive = statusLine.startsWith("HTTP/1.1") ? !hasToken(headers, HttpHeaders.CONNECTION, "close")
                : hasToken(headers, HttpHeaders.CONNECTION, "keep-alive");
        Body body;
        if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            body = new FixedBody(connection, deadline, 0, keepAlive, release);
        }
        else if (hasToken(headers, HttpHeaders.TRANSFER_ENCODING, "chunked")) {
            body = new ChunkedBody(connection, deadline, keepAlive, release);
        }
        else if (headers.getContentLength() >= 0) {
            body = new FixedBody(connection, deadline, headers.getContentLength(), keepAlive, release);
        }
        else {
            body = new FixedBody(connection, deadline, -1, false, release);
        }
        return new SocketAnswer(status, statusLine.substring(12).trim(), headers, body);
    }

    @Override
    public HttpStatusCode getStatusCode() {
        return HttpStatusCode.valueOf(this.status);
    }

    @Override
    public String getStatusText() {
        return this.reason;
    }

    @Override
    public HttpHeaders getHeaders() {
        return this.headers;
    }

    @Override
    public InputStream getBody() {
        return this.body;
    }

    @Override
    public void close() {
        this.body.close();
    }

    /** The index of the blank line that ends the header block, or -1 when it has not all arrived. */
    private static int headerEnd(ByteBuffer input) {
        byte[] bytes = input.array();
        for (int i = input.position(); i + 3 < input.limit(); i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The index of the CRLF that ends the line starting at {@code start}, or {@code end}. */
    private static int lineEnd(byte[] bytes, int start, int end) {
        for (int i = start; i + 1 < end; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return end;
    }

    private static int indexOf(byte[] bytes, char wanted, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** The bytes as text, without the spaces and tabs around it. */
    private static String ascii(byte[] bytes, int start, int end) {
        while (start < end && (bytes[start] == ' ' || bytes[start] == '\t')) {
            start++;
        }
        while (end > start && (bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
            end--;
        }
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static boolean hasToken(HttpHeaders headers, String name, String token) {
        for (String value : headers.getValuesAsList(name)) {
            if (value.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** A body read from the connection's buffer; releases the connection once, at its end or when closed. */
    private abstract static class Body extends InputStream {

        final SocketConnection connection;

        final long deadline;

        private final boolean keepAlive;

        private final Release release;

        private boolean done;

        Body(SocketConnection connection, long deadline, boolean keepAlive, Release release) {
            this.connection = connection;
            this.deadline = deadline;
            this.keepAlive = keepAlive;
            this.release = release;
        }

        /** Called once the whole body has been read. */
        final void finished() {
            if (!this.done) {
                this.done = true;
                this.release.release(this.keepAlive);
            }
        }

        @Override
        public final int read() throws IOException {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return (read < 0) ? -1 : (one[0] & 0xFF);
        }

        @Override
        public final void close() {
            if (!this.done) {
                this.done = true;
                this.release.release(false);
            }
        }

        final boolean isDone() {
            return this.done;
        }

        /** Copies up to {@code length} buffered bytes, reading more when none are buffered. */
        final int copy(byte[] target, int offset, int length) throws IOException {
            if (!this.connection.input().hasRemaining() && !this.connection.fill(this.deadline, false)) {
                return -1;
            }
            ByteBuffer input = this.connection.input();
            int count = Math.min(length, input.remaining());
            input.get(target, offset, count);
            return count;
        }
    }

    /** A body of a known length, or (length -1) one that ends with the connection. */
    private static final class FixedBody extends Body {

        private long remaining;

        FixedBody(SocketConnection connection, long deadline, long length, boolean keepAlive, Release release) {
            super(connection, deadline, keepAlive, release);
            this.remaining = length;
            if (length == 0) {
                finished();
            }
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (isDone() || this.remaining == 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int wanted = (this.remaining < 0) ? length : (int) Math.min(length, this.remaining);
            int read;
            try {
                read = copy(target, offset, wanted);
            }
            catch (IOException ex) {
                close();
                throw ex;
            }
            if (read < 0) {
                if (this.remaining > 0) {
                    close();
                    throw new EOFException("etcd at " + this.connection.endpoint()
                            + " closed the connection with " + this.remaining + " bytes of the answer unsent");
                }
                this.remaining = 0;
                finished();
                return -1;
            }
            if (this.remaining > 0) {
                this.remaining -= read;
                if (this.remaining == 0) {
                    finished();
                }
            }
            return read;
        }

        @Override
        public int available() {
            return isDone() ? 0 : (int) Math.min(this.connection.input().remaining(),
                    (this.remaining < 0) ? Integer.MAX_VALUE : this.remaining);
        }
    }

    /** A chunked body: size lines, chunks, a last chunk of size 0 and trailers. */
    private static final class ChunkedBody extends Body {

        /** Bytes left in the current chunk; 0 before a size line; -1 once the last chunk was read. */
        private long chunkLeft;

        ChunkedBody(SocketConnection connection, long deadline, boolean keepAlive, Release release) {
            super(connection, deadline, keepAlive, release);
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (isDone() || this.chunkLeft < 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            try {
                if (this.chunkLeft == 0) {
                    this.chunkLeft = nextChunkSize();
                    if (this.chunkLeft == 0) {
                        // The last chunk: skip the trailers up to the blank line that ends the answer.
                        while (!line().isEmpty()) {
                            // Trailers are not used by etcd.
                        }
                        this.chunkLeft = -1;
                        finished();
                        return -1;
                    }
                }
                int read = copy(target, offset, (int) Math.min(length, this.chunkLeft));
                if (read < 0) {
                    throw new EOFException("etcd at " + this.connection.endpoint()
                            + " closed the connection in the middle of a chunk");
                }
                this.chunkLeft -= read;
                if (this.chunkLeft == 0) {
                    line();
                }
                return read;
            }
            catch (IOException | RuntimeException ex) {
                close();
                throw ex;
            }
        }

        @Override
        public int available() {
            return (isDone() || this.chunkLeft <= 0) ? 0
                    : (int) Math.min(this.connection.input().remaining(), this.chunkLeft);
        }

        private long nextChunkSize() throws IOException {
            String line = line();
            int extension = line.indexOf(';');
            String size = ((extension >= 0) ? line.substring(0, extension) : line).trim();
            try {
                long parsed = Long.parseLong(size, 16);
                if (parsed < 0) {
                    throw new NumberFormatException(size);
                }
                return parsed;
            }
            catch (NumberFormatException ex) {
                throw new IOException("etcd at " + this.connection.endpoint() + " sent an invalid chunk size: "
                        + line);
            }
        }

        /** The next line, without its CRLF. */
        private String line() throws IOException {
            while (true) {
                ByteBuffer input = this.connection.input();
                byte[] bytes = input.array();
                for (int i = input.position(); i + 1 < input.limit(); i++) {
                    if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                        String line = new String(bytes, input.position(), i - input.position(),
                                StandardCharsets.ISO_8859_1);
                        input.position(i + 2);
                        return line;
                    }
                }
                if (!this.connection.fill(this.deadline, false)) {
                    throw new EOFException("etcd at " + this.connection.endpoint()
                            + " closed the connection in the middle of a chunked answer");
                }
            }
        }
    }
}
