package dev.uhv.io;

import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guest-physical address ranges that devices claim instead of RAM (the local APIC at 0xFEE00000,
 * the IOAPIC at 0xFEC00000). Devices see offsets from the base they are registered at. The ranges
 * are kept sorted by base in a few parallel arrays: a lookup is a binary search over a handful of
 * entries and allocates nothing. Not thread-safe: the vCPU thread registers, moves and accesses.
 *
 * <p>An access is routed by its first byte only, as on {@link PortBus}: one that runs past the end
 * of a device's range is still delivered whole to that device (at the offset of its first byte),
 * and one that starts on an unclaimed address is unclaimed even if a later byte is claimed.
 *
 * <p>Unclaimed addresses are not the bus's business: its callers ask {@link #claims} first and give
 * the guest a #PF for an address no device claims (and that is not RAM either).
 */
public final class MmioBus {
    /** Physical addresses stay below 2^52, the architectural MAXPHYADDR limit (SDM Vol. 3A, 4.1.4). */
    public static final long ADDRESS_LIMIT = 1L << 52;

    private static final Logger log = LoggerFactory.getLogger(MmioBus.class);

    private MmioDevice[] devices = new MmioDevice[0];
    private long[] bases = new long[0];
    private long[] sizes = new long[0];

    /**
     * Claims [base, base + size) for device. A device has one range (see {@link #move}).
     *
     * @throws IllegalArgumentException if the range is empty or outside the physical address space,
     *     the device is already registered, or the range overlaps another device's (the message
     *     names both)
     */
    public void register(long base, long size, MmioDevice device) {
        Objects.requireNonNull(device, "device");
        long registered = baseOf(device);
        if (registered >= 0) {
            throw new IllegalArgumentException(String.format("cannot register %s at 0x%x: it is already at 0x%x",
                    device.name(), base, registered));
        }
        checkRange(base, size, device, -1);
        insert(base, size, device);
        log.debug("mmio: {} at 0x{}+0x{}", device.name(), Long.toHexString(base), Long.toHexString(size));
    }

    /**
     * Moves device's range to start at newBase, keeping its size (the local APIC relocated through
     * IA32_APIC_BASE). Leaves the bus as it was when it throws; what the guest then sees (the write
     * ignored, a #GP) is the caller's decision.
     *
     * @throws IllegalArgumentException if device is not registered, or the new range is outside the
     *     physical address space or overlaps another device's
     */
    public void move(MmioDevice device, long newBase) {
        Objects.requireNonNull(device, "device");
        int i = indexOf(device);
        if (i < 0) {
            throw new IllegalArgumentException("cannot move " + device.name() + ": it is not on the MMIO bus");
        }
        long size = sizes[i];
        checkRange(newBase, size, device, i);
        remove(i);
        insert(newBase, size, device);
        log.debug("mmio: {} moved to 0x{}", device.name(), Long.toHexString(newBase));
    }

    /** Whether a device claims address. */
    public boolean claims(long address) {
        return find(address) >= 0;
    }

    /** The device that claims address, or null. */
    public MmioDevice deviceAt(long address) {
        int i = find(address);
        return i < 0 ? null : devices[i];
    }

    /** Where device's range starts, or -1 when it is not registered. */
    public long baseOf(MmioDevice device) {
        int i = indexOf(device);
        return i < 0 ? -1 : bases[i];
    }

    /**
     * Reads size bytes (1, 2, 4 or 8) at address from the device that claims it; the result is
     * masked to size.
     *
     * @throws IllegalArgumentException if no device claims address (callers ask {@link #claims} first)
     */
    public long read(long address, int size) {
        long mask = mask(size);
        int i = claimed(address);
        return devices[i].read(address - bases[i], size) & mask;
    }

    /**
     * Writes the low size bytes (1, 2, 4 or 8) of value at address to the device that claims it.
     *
     * @throws IllegalArgumentException if no device claims address (callers ask {@link #claims} first)
     */
    public void write(long address, int size, long value) {
        long mask = mask(size);
        int i = claimed(address);
        devices[i].write(address - bases[i], size, value & mask);
    }

    /** All-ones mask of an access size; a size other than 1, 2, 4 or 8 is an emulator bug. */
    static long mask(int size) {
        return switch (size) {
            case 1 -> 0xffL;
            case 2 -> 0xffffL;
            case 4 -> 0xffff_ffffL;
            case 8 -> -1L;
            default -> throw new IllegalArgumentException("MMIO access size " + size + " is not 1, 2, 4 or 8");
        };
    }

    private int claimed(long address) {
        int i = find(address);
        if (i < 0) {
            throw new IllegalArgumentException(String.format("no MMIO device at 0x%x", address));
        }
        return i;
    }

    /** The index of the range holding address, or -1: the last base at or below it, if it reaches. */
    private int find(long address) {
        int at = Arrays.binarySearch(bases, address);
        int i = at >= 0 ? at : -at - 2;
        return i >= 0 && address - bases[i] < sizes[i] ? i : -1;
    }

    private int indexOf(MmioDevice device) {
        for (int i = 0; i < devices.length; i++) {
            if (devices[i] == device) {
                return i;
            }
        }
        return -1;
    }

    /** Checks [base, base + size) against the address space and every range but the one at skip. */
    private void checkRange(long base, long size, MmioDevice device, int skip) {
        if (base < 0 || size < 1 || base > ADDRESS_LIMIT - size) {
            throw new IllegalArgumentException(String.format(
                    "cannot put %s at 0x%x+0x%x: outside the physical address space 0x0-0x%x",
                    device.name(), base, size, ADDRESS_LIMIT - 1));
        }
        for (int i = 0; i < devices.length; i++) {
            if (i != skip && base < bases[i] + sizes[i] && bases[i] < base + size) {
                throw new IllegalArgumentException(String.format(
                        "cannot put %s at 0x%x-0x%x: it overlaps %s at 0x%x-0x%x", device.name(), base,
                        base + size - 1, devices[i].name(), bases[i], bases[i] + sizes[i] - 1));
            }
        }
    }

    private void insert(long base, long size, MmioDevice device) {
        int n = devices.length;
        int at = -Arrays.binarySearch(bases, base) - 1; // never found: ranges do not overlap
        devices = Arrays.copyOf(devices, n + 1);
        bases = Arrays.copyOf(bases, n + 1);
        sizes = Arrays.copyOf(sizes, n + 1);
        System.arraycopy(devices, at, devices, at + 1, n - at);
        System.arraycopy(bases, at, bases, at + 1, n - at);
        System.arraycopy(sizes, at, sizes, at + 1, n - at);
        devices[at] = device;
        bases[at] = base;
        sizes[at] = size;
    }

    private void remove(int i) {
        int n = devices.length;
        System.arraycopy(devices, i + 1, devices, i, n - i - 1);
        System.arraycopy(bases, i + 1, bases, i, n - i - 1);
        System.arraycopy(sizes, i + 1, sizes, i, n - i - 1);
        devices = Arrays.copyOf(devices, n - 1);
        bases = Arrays.copyOf(bases, n - 1);
        sizes = Arrays.copyOf(sizes, n - 1);
    }
}
