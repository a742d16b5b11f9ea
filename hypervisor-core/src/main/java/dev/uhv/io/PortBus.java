package dev.uhv.io;

import java.util.BitSet;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 64 KiB x86 I/O port space. Devices claim ranges of ports and see offsets from their first
 * port. Lookup is one array index per access and allocates nothing.
 *
 * <p>An access is routed by its first port only: a 2- or 4-byte access that runs past the end of
 * a device's range is still delivered whole to that device (at the offset of its first port), and
 * one that starts on an unclaimed port is unclaimed even if a later byte is claimed. Real ISA
 * decoding would split it byte by byte; no guest we run depends on that.
 *
 * <p>Unclaimed ports behave like an empty ISA bus: reads float high (all ones) and writes are
 * dropped. Each unclaimed port is logged once, so a probing guest cannot flood the log.
 */
public final class PortBus {
    /** Number of ports in the x86 I/O address space (0x0000-0xFFFF). */
    public static final int PORT_COUNT = 0x1_0000;

    private static final Logger log = LoggerFactory.getLogger(PortBus.class);

    private final PortDevice[] devices = new PortDevice[PORT_COUNT];
    private final int[] basePorts = new int[PORT_COUNT];
    private final BitSet loggedUnclaimed = new BitSet(PORT_COUNT);

    /**
     * Claims ports firstPort .. firstPort + count - 1 for device.
     *
     * @throws IllegalArgumentException if the range is outside the port space or overlaps a port
     *     already claimed (the message names both devices)
     */
    public void register(int firstPort, int count, PortDevice device) {
        Objects.requireNonNull(device, "device");
        if (firstPort < 0 || count < 1 || firstPort > PORT_COUNT - count) {
            throw new IllegalArgumentException(String.format(
                    "cannot register %s at ports 0x%x+%d: outside 0x0-0xffff",
                    device.name(), firstPort, count));
        }
        for (int port = firstPort; port < firstPort + count; port++) {
            PortDevice owner = devices[port];
            if (owner != null) {
                throw new IllegalArgumentException(String.format(
                        "cannot register %s at ports 0x%x-0x%x: port 0x%x already belongs to %s",
                        device.name(), firstPort, firstPort + count - 1, port, owner.name()));
            }
        }
        for (int port = firstPort; port < firstPort + count; port++) {
            devices[port] = device;
            basePorts[port] = firstPort;
        }
    }

    /** The device that claims port, or null. */
    public PortDevice deviceAt(int port) {
        return devices[port & 0xffff];
    }

    /** Reads size bytes (1, 2 or 4) from port; the result is masked to size. */
    public int read(int port, int size) {
        int mask = mask(size);
        int p = port & 0xffff;
        PortDevice device = devices[p];
        if (device == null) {
            logUnclaimed(p, size, "read");
            return mask;
        }
        return device.read(p - basePorts[p], size) & mask;
    }

    /** Writes the low size bytes (1, 2 or 4) of value to port. */
    public void write(int port, int size, int value) {
        int mask = mask(size);
        int p = port & 0xffff;
        PortDevice device = devices[p];
        if (device == null) {
            logUnclaimed(p, size, "write");
            return;
        }
        device.write(p - basePorts[p], size, value & mask);
    }

    private void logUnclaimed(int port, int size, String access) {
        if (!loggedUnclaimed.get(port)) {
            loggedUnclaimed.set(port);
            log.info("unclaimed port 0x{} ({}-byte {}): reads all ones, writes dropped; "
                    + "further accesses to it are not logged", Integer.toHexString(port), size, access);
        }
    }

    /** All-ones mask of an access size; a size other than 1, 2 or 4 is an emulator bug. */
    static int mask(int size) {
        return switch (size) {
            case 1 -> 0xff;
            case 2 -> 0xffff;
            case 4 -> 0xffff_ffff;
            default -> throw new IllegalArgumentException("port access size " + size + " is not 1, 2 or 4");
        };
    }
}
