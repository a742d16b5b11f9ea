package dev.uhv.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Guest output for stdout that must wait (the live VGA screen has the terminal), kept in memory up
 * to a limit and written out by {@link #release}. Past the limit bytes are counted and dropped:
 * a guest that prints without end must not take uhv's memory with it.
 */
final class HeldOutput extends OutputStream {
    static final int LIMIT = 16 << 20;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int limit;
    private long dropped;

    HeldOutput() {
        this(LIMIT);
    }

    HeldOutput(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int kept = Math.min(len, limit - bytes.size());
        bytes.write(b, off, kept);
        dropped += len - kept;
    }

    /** Writes what was held to out and empties the buffer; returns how many bytes did not fit and were dropped. */
    synchronized long release(OutputStream out) throws IOException {
        bytes.writeTo(out);
        out.flush();
        bytes.reset();
        long lost = dropped;
        dropped = 0;
        return lost;
    }
}
