package dev.uhv.io;

import java.io.OutputStream;

/**
 * QEMU's Bochs-style debug console ("port E9 hack", hw/char/debugcon.c): each write sends the low
 * byte to the host, a read returns the readback value 0xE9 so a guest can detect the port.
 */
public final class DebugCon implements PortDevice {
    /** The port QEMU's isa-debugcon and Bochs use by default. */
    public static final int PORT = 0xE9;
    /** QEMU's default "readback" property; also the byte Bochs returns. */
    public static final int READBACK = 0xE9;

    private final ConsoleOutput out;

    public DebugCon(OutputStream out) {
        this.out = new ConsoleOutput(name(), out);
    }

    @Override
    public int read(int offset, int size) {
        return READBACK;
    }

    @Override
    public void write(int offset, int size, int value) {
        out.put(value & 0xff);
    }

    /** Pushes any buffered output to the host stream. */
    public void flush() {
        out.flush();
    }

    @Override
    public String name() {
        return "debugcon";
    }
}
