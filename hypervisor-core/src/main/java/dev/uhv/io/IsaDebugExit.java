package dev.uhv.io;

import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * QEMU's isa-debug-exit (hw/misc/debugexit.c), as set up by
 * {@code -device isa-debug-exit,iobase=0xf4,iosize=4}: a write of v to any of its ports ends the
 * run with status (v << 1) | 1, so a guest can never fake a plain 0. Reads return 0, as QEMU's
 * debug_exit_read does.
 */
public final class IsaDebugExit implements PortDevice {
    /** The iobase the QEMU test conventions (and most hobby kernels) use. */
    public static final int PORT = 0xF4;
    /** iosize=4: the guest may write a byte, word or dword. */
    public static final int SIZE = 4;

    private final IntConsumer exitRequest;

    /** @param exitRequest receives the exit status; only its low 8 bits reach the host, as with QEMU's exit(). */
    public IsaDebugExit(IntConsumer exitRequest) {
        this.exitRequest = Objects.requireNonNull(exitRequest, "exitRequest");
    }

    /** The exit status QEMU reports for a write of v. */
    public static int exitStatus(int v) {
        return (v << 1) | 1;
    }

    @Override
    public int read(int offset, int size) {
        return 0;
    }

    /** Any offset and size: QEMU ignores both. The bus has already masked value to size. */
    @Override
    public void write(int offset, int size, int value) {
        exitRequest.accept(exitStatus(value));
    }

    @Override
    public String name() {
        return "isa-debug-exit";
    }
}
