package dev.etcdspring.core.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP connection to an etcd endpoint ({@link TlsSocketConnection} adds TLS), used by one thread at a time: a non-blocking socket channel with a
 * selector of its own, so that the calling thread does all the I/O (no hand-off to another thread) while every wait
 * stays bounded by a deadline, and so that a pooled connection can be checked for a close by the server without
 * blocking before it is reused.
 *
 * <p>Received bytes collect in {@link #input()}, kept in read mode: its position is the first byte not yet consumed,
 * its limit the end of what arrived.
 */
sealed class SocketConnection implements AutoCloseable permits TlsSocketConnection {

    /** The first size of {@link #input()}. */
    static final int BUFFER_SIZE = 16 * 1024;

    /** Header blocks larger than this are refused rather than buffered without end. */
    static final int MAX_BUFFER_SIZE = 1024 * 1024;

    private final String endpoint;

    final SocketChannel channel;

    private final Selector selector;

    final SelectionKey key;

    ByteBuffer input;

    private volatile boolean aborted;

    SocketConnection(String endpoint, SocketChannel channel, Selector selector, SelectionKey key, int bufferSize) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.selector = selector;
        this.key = key;
        this.input = ByteBuffer.allocate(bufferSize).flip();
    }

    /**
     * Connects.
     *
     * @param endpoint the pool's name of the endpoint, {@code host:port}
     * @param address where to connect
     * @param connectTimeoutNanos how long to wait for the connection
     * @return the connection
     * @throws java.net.ConnectException when refused
     * @throws SocketTimeoutException "Connect timed out" when the time ran out
     */
    static SocketConnection open(String endpoint, InetSocketAddress address, long connectTimeoutNanos)
            throws IOException {
        return connect(address, connectTimeoutNanos, (channel, selector, key) -> new SocketConnection(endpoint,
                channel, selector, key, BUFFER_SIZE));
    }

    /** What a connected channel becomes. */
    @FunctionalInterface
    interface Connected<C extends SocketConnection> {

        C create(SocketChannel channel, Selector selector, SelectionKey key) throws IOException;
    }

    /**
     * Opens a non-blocking channel with a selector of its own, connects it, and makes it a connection.
     *
     * @throws java.net.ConnectException when refused
     * @throws SocketTimeoutException "Connect timed out" when the time ran out
     */
    static <C extends SocketConnection> C connect(InetSocketAddress address, long connectTimeoutNanos,
            Connected<C> connected) throws IOException {
        SocketChannel channel = SocketChannel.open();
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            selector = Selector.open();
            SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
            if (!channel.connect(address)) {
                long deadline = System.nanoTime() + connectTimeoutNanos;
                while (!channel.finishConnect()) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        throw new SocketTimeoutException("Connect timed out");
                    }
                    selector.select(ignored -> {
                    }, millis(remaining));
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            return connected.create(channel, selector, key);
        }
        catch (IOException | RuntimeException ex) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw ex;
        }
    }

    String endpoint() {
        return this.endpoint;
    }

    /**
     * The key of the pool this connection goes back to: its endpoint, with the scheme for TLS.
     *
     * @return the key
     */
    String poolKey() {
        return this.endpoint;
    }

    /**
     * Whether another thread aborted the connection.
     *
     * @return whether it did
     */
    final boolean isAborted() {
        return this.aborted;
    }

    ByteBuffer input() {
        return this.input;
    }

    /**
     * Whether an idle connection can carry another request: the server has not closed it (a non-blocking read finds
     * no end of stream) and sent nothing unasked. A server closes idle connections when it restarts; a write sent on
     * such a connection would fail with an unknown outcome, so the check comes before every reuse.
     *
     * @return whether to reuse it
     */
    boolean isReusable() {
        if (this.aborted || !this.channel.isOpen() || this.input.hasRemaining()) {
            return false;
        }
        try {
            this.input.clear();
            int read = this.channel.read(this.input);
            this.input.flip();
            return read == 0;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /**
     * Writes every byte of the buffers.
     *
     * @param buffers what to write
     * @param deadline the {@link System#nanoTime()} to give up at
     * @throws IOException when writing fails, the deadline passes or the connection is aborted
     */
    void write(ByteBuffer[] buffers, long deadline) throws IOException {
        ByteBuffer last = buffers[buffers.length - 1];
        while (true) {
            checkUsable();
            this.channel.write(buffers);
            if (!last.hasRemaining()) {
                return;
            }
            // The socket's send buffer is full (a large value): wait until it drains.
            awaitWritable(deadline, "Write timed out");
        }
    }

    /**
     * Reads what has arrived into {@link #input()}, waiting for at least one byte, after the bytes not yet consumed.
     *
     * @param deadline the {@link System#nanoTime()} to give up at
     * @param waitFirst whether to wait until bytes can be read before trying, when they cannot have arrived yet
     * @return whether bytes arrived; {@code false} at the end of the stream
     * @throws IOException when reading fails, the deadline passes or the connection is aborted
     */
    boolean fill(long deadline, boolean waitFirst) throws IOException {
        prepareInput();
        if (waitFirst) {
            await(deadline, "Read timed out");
        }
        while (true) {
            checkUsable();
            int start = this.input.limit();
            this.input.position(start).limit(this.input.capacity());
            int read;
            try {
                read = this.channel.read(this.input);
            }
            finally {
                // Back to read mode: the unconsumed bytes start at 0 (compacted above).
                this.input.limit(this.input.position()).position(0);
            }
            if (read < 0) {
                return false;
            }
            if (read > 0) {
                return true;
            }
            await(deadline, "Read timed out");
        }
    }

    /**
     * Moves the unconsumed bytes of {@link #input()} to its start, and makes it larger when they fill it.
     *
     * @throws IOException when it would grow beyond {@link #MAX_BUFFER_SIZE}
     */
    final void prepareInput() throws IOException {
        if (this.input.position() > 0) {
            this.input.compact().flip();
        }
        if (this.input.limit() == this.input.capacity()) {
            if (this.input.capacity() >= MAX_BUFFER_SIZE) {
                throw new IOException("An HTTP answer's header block is longer than " + MAX_BUFFER_SIZE + " bytes");
            }
            ByteBuffer larger = ByteBuffer.allocate(this.input.capacity() * 2);
            larger.put(this.input).flip();
            this.input = larger;
        }
    }

    /**
     * Closes the connection from another thread: the owner's current and later waits fail at once.
     */
    void abort() {
        this.aborted = true;
        // Closing the selector wakes the owner if it is waiting in it; its next check then fails.
        closeChannel();
    }

    @Override
    public void close() {
        closeChannel();
    }

    /** Closes the channel and the selector, from any thread. */
    final void closeChannel() {
        try {
            this.channel.close();
        }
        catch (IOException ex) {
            // Closing is best effort: the descriptor is released either way.
        }
        try {
            this.selector.close();
        }
        catch (IOException ex) {
            // As above.
        }
    }

    /**
     * Waits until the channel is ready for what the selection key is interested in, or the deadline passes.
     *
     * @throws SocketTimeoutException with {@code timeoutMessage} once the deadline has passed
     * @throws AsynchronousCloseException when aborted meanwhile
     */
    final void await(long deadline, String timeoutMessage) throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException(timeoutMessage);
        }
        try {
            this.selector.select(ignored -> {
            }, millis(remaining));
        }
        catch (ClosedSelectorException ex) {
            // Aborted by another thread between the check and the wait.
            throw new AsynchronousCloseException();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("Interrupted while waiting for etcd at " + this.endpoint);
        }
    }

    /**
     * Waits until the channel can take more bytes.
     *
     * @throws SocketTimeoutException with {@code timeoutMessage} once the deadline has passed
     */
    final void awaitWritable(long deadline, String timeoutMessage) throws IOException {
        this.key.interestOps(SelectionKey.OP_WRITE);
        try {
            await(deadline, timeoutMessage);
        }
        finally {
            this.key.interestOps(SelectionKey.OP_READ);
        }
    }

    /**
     * Fails when the connection was aborted or closed.
     *
     * @throws AsynchronousCloseException then
     */
    final void checkUsable() throws IOException {
        if (this.aborted || !this.channel.isOpen()) {
            throw new AsynchronousCloseException();
        }
    }

    /** A selector's timeout: at least 1 ms, since 0 would mean no timeout at all. */
    private static long millis(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }
}
