package dev.uhv.memory;

import dev.uhv.linux.Mman;

/**
 * Guest RAM as a memfd, mapped shared in uhv so the emulators read and write it directly, and
 * mapped shared at guest-physical addresses by the child. Created before the child exists; the
 * child inherits the descriptor.
 */
public final class SharedRam implements AutoCloseable {
    /** The largest guest RAM uhv supports (GuestMemory indexes a single buffer). */
    public static final long MAX_SIZE = 1L << 30;

    private final int fd;
    private final long address;
    private final long size;
    private final GuestMemory memory;
    private boolean closed;

    /** Whether size can be guest RAM: a non-zero multiple of 4 KiB, at most {@link #MAX_SIZE}. */
    public static boolean isValidSize(long size) {
        return size > 0 && size <= MAX_SIZE && size % 4096 == 0;
    }

    public SharedRam(long size) {
        if (!isValidSize(size)) {
            throw new IllegalArgumentException("guest RAM size " + size);
        }
        this.size = size;
        this.fd = Mman.memfdCreate("uhv-guest-ram", 0);
        try {
            Mman.ftruncate(fd, size);
            this.address = Mman.mmap(0, size, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, fd, 0);
        } catch (RuntimeException e) {
            Mman.close(fd);
            throw e;
        }
        this.memory = new GuestMemory(Mman.buffer(address, size));
    }

    public GuestMemory memory() {
        return memory;
    }

    /** The memfd the child maps (kept open, without close-on-exec, until close()). */
    public int fd() {
        return fd;
    }

    public long size() {
        return size;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Mman.munmap(address, size);
            Mman.close(fd);
        }
    }
}
