package dev.uhv.io;

/**
 * A device on the port I/O bus. It sees offsets from the first port it was registered at, never
 * absolute ports, and never throws for an offset or size it does not model.
 */
public interface PortDevice {

    /** Reads size bytes (1, 2 or 4) at offset; the result is masked to size by the bus. */
    int read(int offset, int size);

    /** Writes the low size bytes (1, 2 or 4) of value at offset. */
    void write(int offset, int size, int value);

    /** A short name for logs and the state dump ("uart16550", "debugcon"). */
    String name();
}
