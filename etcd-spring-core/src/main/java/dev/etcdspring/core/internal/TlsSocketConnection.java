package dev.etcdspring.core.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One {@code https} connection: a {@link SocketConnection} whose bytes go through an {@link SSLEngine}, with the
 * same properties as the plain one: the calling thread does the handshake, the wrapping and the unwrapping itself
 * (delegated tasks too, no hand-off), every wait is bounded by the caller's deadline, an idle connection is checked
 * without blocking for a close by the server (a {@code close_notify}, or the end of the stream) before it is reused,
 * and an {@link #abort()} from another thread ends every wait at once.
 *
 * <p>Post-handshake messages (TLS 1.3's {@code NewSessionTicket} and {@code KeyUpdate}, a TLS 1.2 renegotiation)
 * are handled where they arrive, while reading an answer or while checking an idle connection. Decrypted bytes land
 * in {@link #input()} as plain bytes do, so that {@link SocketAnswer} parses both alike.
 *
 * <p>The engine comes configured from {@link TlsSettings#createEngine(String, int)}: client mode, hostname
 * verification, SNI, the chosen protocols and cipher suites.
 */
final class TlsSocketConnection extends SocketConnection {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;

    /** Encrypted bytes received and not yet unwrapped, in read mode. */
    private ByteBuffer netIn;

    /** Encrypted bytes to send, in read mode between writes. */
    private ByteBuffer netOut;

    private TlsSocketConnection(String endpoint, SocketChannel channel, Selector selector, SelectionKey key,
            SSLEngine engine) {
        super(endpoint, channel, selector, key,
                Math.max(BUFFER_SIZE, engine.getSession().getApplicationBufferSize()));
        this.engine = engine;
        int packetSize = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(2 * packetSize).flip();
        this.netOut = ByteBuffer.allocate(packetSize).flip();
    }

    /**
     * Connects; the handshake is {@link #handshake(long)}'s, so that it can be aborted like any other wait.
     *
     * @param endpoint the pool's name of the endpoint, {@code host:port}
     * @param address where to connect
     * @param connectTimeoutNanos how long to wait for the connection
     * @param engine the engine, in client mode, not used yet
     * @return the connection, its handshake still to do
     * @throws java.net.ConnectException when refused
     * @throws SocketTimeoutException "Connect timed out" when the time ran out
     */
    static TlsSocketConnection open(String endpoint, InetSocketAddress address, long connectTimeoutNanos,
            SSLEngine engine) throws IOException {
        return connect(address, connectTimeoutNanos,
                (channel, selector, key) -> new TlsSocketConnection(endpoint, channel, selector, key, engine));
    }

    @Override
    String poolKey() {
        return "https://" + endpoint();
    }

    /**
     * Runs the TLS handshake to its end.
     *
     * @param deadline the {@link System#nanoTime()} to give up at
     * @throws SSLHandshakeException when the handshake fails, or the server closes the connection during it
     * @throws SocketTimeoutException whose message says {@code Connect timed out} (nothing was sent) when the
     *         deadline passes
     */
    void handshake(long deadline) throws IOException {
        try {
            this.engine.beginHandshake();
            SSLEngineResult.HandshakeStatus status = this.engine.getHandshakeStatus();
            while (status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    && status != SSLEngineResult.HandshakeStatus.FINISHED) {
                status = step(status, deadline, true);
            }
        }
        catch (SocketTimeoutException ex) {
            throw new SocketTimeoutException("Connect timed out: the TLS handshake with etcd at " + endpoint()
                    + " did not complete in time");
        }
        catch (SSLException ex) {
            sendAlert();
            throw ex;
        }
    }

    /**
     * Takes one step of a handshake, or of a post-handshake exchange: runs the engine's tasks, sends what it has to
     * send, or reads what it waits for.
     *
     * @param inHandshake whether this is the first handshake, which the end of the stream fails
     * @return the handshake status after the step
     */
    private SSLEngineResult.HandshakeStatus step(SSLEngineResult.HandshakeStatus status, long deadline,
            boolean inHandshake) throws IOException {
        switch (status) {
            case NEED_TASK -> {
                // In the calling thread: a hand-off would cost more than the tasks (certificate checks).
                for (Runnable task; (task = this.engine.getDelegatedTask()) != null;) {
                    task.run();
                }
                return this.engine.getHandshakeStatus();
            }
            case NEED_WRAP -> {
                SSLEngineResult result = wrap(new ByteBuffer[] { EMPTY });
                writeNet(deadline);
                if (result.getStatus() == SSLEngineResult.Status.CLOSED && inHandshake) {
                    throw new SSLHandshakeException("The TLS engine closed during the handshake with etcd at "
                            + endpoint());
                }
                return result.getHandshakeStatus();
            }
            default -> {
                // NEED_UNWRAP, NEED_UNWRAP_AGAIN: whatever application data comes along is kept in the input.
                prepareInput();
                SSLEngineResult.HandshakeStatus after = unwrapInput(deadline, false, true, inHandshake);
                return (after != null) ? after : this.engine.getHandshakeStatus();
            }
        }
    }

    /**
     * Encrypts every byte of the buffers and writes the records.
     *
     * @param buffers what to write
     * @param deadline the {@link System#nanoTime()} to give up at
     * @throws IOException when writing fails, the deadline passes or the connection is aborted
     */
    @Override
    void write(ByteBuffer[] buffers, long deadline) throws IOException {
        ByteBuffer last = buffers[buffers.length - 1];
        do {
            checkUsable();
            SSLEngineResult result = wrap(buffers);
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("etcd at " + endpoint() + " closed the TLS session");
            }
            writeNet(deadline);
            if (result.bytesConsumed() == 0
                    && result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                // A renegotiation the server started holds the data back until its messages are read.
                step(SSLEngineResult.HandshakeStatus.NEED_UNWRAP, deadline, false);
            }
            finishHandshaking(result.getHandshakeStatus(), deadline);
        }
        while (last.hasRemaining());
    }

    /**
     * Reads and decrypts what has arrived into {@link #input()}, waiting for at least one byte of application data,
     * after the bytes not yet consumed.
     *
     * @param deadline the {@link System#nanoTime()} to give up at
     * @param waitFirst whether to wait until bytes can be read before trying, when none are buffered
     * @return whether bytes arrived; {@code false} at the end of the stream or the session
     * @throws IOException when reading or decrypting fails, the deadline passes or the connection is aborted
     */
    @Override
    boolean fill(long deadline, boolean waitFirst) throws IOException {
        prepareInput();
        try {
            unwrapInput(deadline, waitFirst, false, false);
            return true;
        }
        catch (EndOfStream ex) {
            return false;
        }
    }

    /**
     * Unwraps into {@link #input()} (in read mode, its unconsumed bytes at 0) until application data arrived, or,
     * for one step of a handshake, until a record was unwrapped.
     *
     * @param handshakeStep whether to return after one record that produced no data, with the handshake status
     * @return {@code null} when data arrived, the handshake status after a handshake step
     * @throws EndOfStream at the end of the stream or of the session, outside the first handshake
     */
    private SSLEngineResult.HandshakeStatus unwrapInput(long deadline, boolean waitFirst, boolean handshakeStep,
            boolean inHandshake) throws IOException {
        this.input.position(this.input.limit()).limit(this.input.capacity());
        boolean netWaitFirst = waitFirst;
        try {
            while (true) {
                if (this.netIn.hasRemaining()) {
                    SSLEngineResult result = this.engine.unwrap(this.netIn, this.input);
                    switch (result.getStatus()) {
                        case OK -> {
                            if (result.bytesProduced() > 0) {
                                // More whole records may be buffered (a large answer): take them while they fit.
                                drainBuffered();
                                finishHandshaking(this.engine.getHandshakeStatus(), deadline);
                                return null;
                            }
                            if (handshakeStep) {
                                return result.getHandshakeStatus();
                            }
                            // A post-handshake message (a session ticket, a key update): answer it if asked.
                            finishHandshaking(result.getHandshakeStatus(), deadline);
                            continue;
                        }
                        case BUFFER_OVERFLOW -> {
                            growInput();
                            continue;
                        }
                        case CLOSED -> {
                            // The server's close_notify.
                            if (result.bytesProduced() > 0) {
                                return null;
                            }
                            if (inHandshake) {
                                throw new SSLHandshakeException("etcd at " + endpoint()
                                        + " closed the TLS session during the handshake");
                            }
                            throw new EndOfStream();
                        }
                        default -> {
                            // BUFFER_UNDERFLOW: a record has not all arrived; read more below.
                        }
                    }
                }
                if (!readNet(deadline, netWaitFirst)) {
                    if (inHandshake) {
                        throw new SSLHandshakeException("etcd at " + endpoint()
                                + " closed the connection during the TLS handshake");
                    }
                    throw new EndOfStream();
                }
                netWaitFirst = false;
            }
        }
        finally {
            // Back to read mode, the unconsumed bytes at 0 (prepareInput compacted them there).
            this.input.limit(this.input.position()).position(0);
        }
    }

    /** Unwraps the records already buffered while they fit, without reading. */
    private void drainBuffered() throws IOException {
        while (this.netIn.hasRemaining() && this.input.remaining() >= BUFFER_SIZE) {
            SSLEngineResult result = this.engine.unwrap(this.netIn, this.input);
            if (result.getStatus() != SSLEngineResult.Status.OK
                    || result.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                return;
            }
        }
    }

    /** Makes the input (in write mode) larger by a record: the next record does not fit in what is left. */
    private void growInput() throws IOException {
        if (this.input.capacity() >= MAX_BUFFER_SIZE) {
            throw new IOException("An HTTP answer's header block is longer than " + MAX_BUFFER_SIZE + " bytes");
        }
        int needed = this.engine.getSession().getApplicationBufferSize();
        ByteBuffer larger = ByteBuffer.allocate(Math.max(this.input.capacity() * 2, this.input.position() + needed));
        this.input.flip();
        larger.put(this.input);
        this.input = larger;
    }

    /**
     * Reads encrypted bytes into {@link #netIn}, waiting for at least one.
     *
     * @return {@code false} at the end of the stream
     */
    private boolean readNet(long deadline, boolean waitFirst) throws IOException {
        ByteBuffer net = this.netIn;
        net.compact();
        if (!net.hasRemaining()) {
            // A record larger than the buffer: the session's packet size, which may have grown with the handshake.
            ByteBuffer larger = ByteBuffer.allocate(Math.max(net.capacity() * 2,
                    this.engine.getSession().getPacketBufferSize()));
            net.flip();
            larger.put(net);
            this.netIn = larger;
            net = larger;
        }
        try {
            if (waitFirst) {
                await(deadline, "Read timed out");
            }
            while (true) {
                checkUsable();
                int read = this.channel.read(net);
                if (read < 0) {
                    return false;
                }
                if (read > 0) {
                    return true;
                }
                await(deadline, "Read timed out");
            }
        }
        finally {
            net.flip();
        }
    }

    /** Wraps into {@link #netOut} (left in read mode), growing it when a record does not fit. */
    private SSLEngineResult wrap(ByteBuffer[] buffers) throws SSLException {
        while (true) {
            this.netOut.clear();
            SSLEngineResult result;
            try {
                result = this.engine.wrap(buffers, this.netOut);
            }
            finally {
                this.netOut.flip();
            }
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return result;
            }
            this.netOut = ByteBuffer.allocate(Math.max(this.netOut.capacity() * 2,
                    this.engine.getSession().getPacketBufferSize())).flip();
        }
    }

    /** Writes all of {@link #netOut}. */
    private void writeNet(long deadline) throws IOException {
        while (this.netOut.hasRemaining()) {
            checkUsable();
            this.channel.write(this.netOut);
            if (this.netOut.hasRemaining()) {
                awaitWritable(deadline, "Write timed out");
            }
        }
    }

    /** Completes a handshake the server started after the first (a renegotiation, a key update), if any. */
    private void finishHandshaking(SSLEngineResult.HandshakeStatus status, long deadline) throws IOException {
        while (status == SSLEngineResult.HandshakeStatus.NEED_TASK
                || status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            status = step(status, deadline, false);
        }
        // NEED_UNWRAP is left to the reads that follow: the answer's, or the next one's.
    }

    /**
     * Whether an idle connection can carry another request: the server has neither closed the connection nor sent
     * {@code close_notify} nor application data unasked. Post-handshake messages that arrived meanwhile (session
     * tickets) are processed.
     *
     * @return whether to reuse it
     */
    @Override
    boolean isReusable() {
        if (isAborted() || !this.channel.isOpen() || this.input.hasRemaining()) {
            return false;
        }
        try {
            ByteBuffer net = this.netIn.compact();
            int read;
            try {
                read = this.channel.read(net);
            }
            finally {
                net.flip();
            }
            if (read < 0) {
                return false;
            }
            this.input.clear();
            try {
                while (this.netIn.hasRemaining()) {
                    SSLEngineResult result = this.engine.unwrap(this.netIn, this.input);
                    if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesProduced() > 0) {
                        // CLOSED: a close_notify; UNDERFLOW: part of a record (kept for the next read, unless it
                        // ends in a close); OVERFLOW: data, unasked.
                        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            break;
                        }
                        return false;
                    }
                    if (result.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                            && result.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.FINISHED) {
                        // The server wants an answer to a post-handshake message: not worth a wait here.
                        return false;
                    }
                }
            }
            finally {
                this.input.flip();
            }
            return !this.input.hasRemaining();
        }
        catch (IOException | RuntimeException ex) {
            return false;
        }
    }

    /** Sends {@code close_notify} if it can without waiting, then closes the channel. */
    @Override
    public void close() {
        if (!isAborted() && this.channel.isOpen()) {
            try {
                this.engine.closeOutbound();
                wrap(new ByteBuffer[] { EMPTY });
                this.channel.write(this.netOut);
            }
            catch (IOException | RuntimeException ex) {
                // Best effort: the server learns of the close from the end of the stream either way.
            }
        }
        closeChannel();
    }

    /** Sends the alert a failed handshake left to send, if it can without waiting. */
    private void sendAlert() {
        try {
            wrap(new ByteBuffer[] { EMPTY });
            this.channel.write(this.netOut);
        }
        catch (IOException | RuntimeException ex) {
            // Best effort.
        }
    }

    /** The end of the stream or of the TLS session, thrown out of the unwrap loop and reported as such. */
    private static final class EndOfStream extends IOException {

        private static final long serialVersionUID = 1L;

        EndOfStream() {
            super(null, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
