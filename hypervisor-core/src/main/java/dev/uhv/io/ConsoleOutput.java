package dev.uhv.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guest console bytes going to a host stream, shared by the character devices and the vkern print
 * call. {@link #put} flushes on '\n' so interactive output appears line by line. A host I/O error
 * is logged once and the stream is then abandoned: the guest's output must never be able to stop
 * uhv.
 */
public final class ConsoleOutput {
    private static final Logger log = LoggerFactory.getLogger(ConsoleOutput.class);

    private final String deviceName;
    private final OutputStream out;
    private boolean broken;

    /** deviceName names the writer in the one warning a broken stream gets. */
    public ConsoleOutput(String deviceName, OutputStream out) {
        this.deviceName = deviceName;
        this.out = Objects.requireNonNull(out, "out");
    }

    void put(int b) {
        if (broken) {
            return;
        }
        try {
            out.write(b);
            if (b == '\n') {
                out.flush();
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Writes len bytes of b as they are; the caller flushes. */
    public void write(byte[] b, int off, int len) {
        if (broken) {
            return;
        }
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            fail(e);
        }
    }

    public void flush() {
        if (broken) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException e) {
        broken = true;
        log.warn("{}: cannot write guest output ({}); dropping the rest of it", deviceName, e.toString());
    }
}
