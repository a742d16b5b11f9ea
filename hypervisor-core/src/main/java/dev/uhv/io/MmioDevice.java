package dev.uhv.io;

/**
 * A device on the memory-mapped I/O bus: guest-physical pages that are not RAM. It sees offsets
 * from the base it was registered at, never absolute addresses, and never throws for an offset or
 * size it does not model (reads of nothing float high, writes to nothing are dropped), as a
 * {@link PortDevice} does.
 */
public interface MmioDevice {

    /** Reads size bytes (1, 2, 4 or 8) at offset; the result is masked to size by the bus. */
    long read(long offset, int size);

    /** Writes the low size bytes (1, 2, 4 or 8) of value at offset. */
    void write(long offset, int size, long value);

    /** A short name for logs and the state dump ("lapic", "ioapic"). */
    String name();
}
