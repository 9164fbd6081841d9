// One job: the lines of a v2 watch stream, one change each, as bytes, read as they arrive.
package dev.etcdspring.core.v2;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a v2 watch stream ({@code stream=true}) into its lines: etcd writes each change as one JSON object and a
 * {@code \n}. A line is handed over as soon as its end has arrived, without waiting for more of the stream; blank
 * lines are skipped.
 */
final class V2EventLines {

    private final InputStream in;

    private byte[] buffer = new byte[8192];

    /** The first byte not yet handed over. */
    private int start;

    /** The end of what has arrived. */
    private int end;

    V2EventLines(InputStream in) {
        this.in = in;
    }

    /**
     * The next line, without its {@code \n}.
     *
     * @return the line, or {@code null} when the stream ended
     * @throws java.io.EOFException when the stream ended in the middle of a line
     * @throws IOException when reading fails
     */
    byte[] next() throws IOException {
        // How many bytes after start were searched already: the search goes on after them once more arrived.
        int searched = 0;
        while (true) {
            for (int i = this.start + searched; i < this.end; i++) {
                if (this.buffer[i] == '\n') {
                    int from = this.start;
                    this.start = i + 1;
                    searched = 0;
                    int to = (i > from && this.buffer[i - 1] == '\r') ? i - 1 : i;
                    if (to > from) {
                        return Arrays.copyOfRange(this.buffer, from, to);
                    }
                }
            }
            searched = this.end - this.start;
            if (!fill()) {
                if (this.start < this.end) {
                    throw new EOFException("the watch stream ended in the middle of a change ("
                            + (this.end - this.start) + " bytes without their end of line)");
                }
                return null;
            }
        }
    }

    /** Reads more, keeping the unread part at the front of a buffer large enough. */
    private boolean fill() throws IOException {
        if (this.start > 0) {
            System.arraycopy(this.buffer, this.start, this.buffer, 0, this.end - this.start);
            this.end -= this.start;
            this.start = 0;
        }
        if (this.end == this.buffer.length) {
            this.buffer = Arrays.copyOf(this.buffer, this.buffer.length * 2);
        }
        int read = this.in.read(this.buffer, this.end, this.buffer.length - this.end);
        if (read < 0) {
            return false;
        }
        this.end += read;
        return true;
    }
}
