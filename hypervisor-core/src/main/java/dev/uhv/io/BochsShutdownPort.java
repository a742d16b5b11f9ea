package dev.uhv.io;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Bochs shutdown port 0x8900 (Bochs iodev/unmapped.cc): writing the bytes of "Shutdown" one by
 * one powers the machine off. A byte that does not continue the string starts the match over, as in
 * Bochs, without itself counting as a first 'S'. Wider writes use their low byte; reads float high.
 */
public final class BochsShutdownPort implements PortDevice {
    public static final int PORT = 0x8900;

    private static final byte[] MAGIC = "Shutdown".getBytes(StandardCharsets.US_ASCII);

    private final Runnable shutdown;
    private int matched;

    /** @param shutdown called when the guest has written the whole string */
    public BochsShutdownPort(Runnable shutdown) {
        this.shutdown = Objects.requireNonNull(shutdown, "shutdown");
    }

    @Override
    public int read(int offset, int size) {
        return 0xffff_ffff;
    }

    @Override
    public void write(int offset, int size, int value) {
        if ((value & 0xff) != MAGIC[matched]) {
            matched = 0;
            return;
        }
        matched++;
        if (matched == MAGIC.length) {
            matched = 0;
            shutdown.run();
        }
    }

    @Override
    public String name() {
        return "bochs-shutdown";
    }
}
