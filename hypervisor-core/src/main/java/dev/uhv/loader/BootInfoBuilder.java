package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;
import static dev.uhv.loader.Messages.ram;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The boot information uhv builds for a multiboot kernel (the information structure, its strings,
 * the memory map, the module list), as bytes that stand for guest-physical [base, base + size): the
 * writers allocate fields and strings in it, then {@link #writeTo} checks the whole block and copies
 * it to RAM at once. It lives in conventional memory, which the memory map says is usable and no
 * kernel loads at 1 MiB or above touches: from 0x9000, where QEMU's multiboot loader puts its
 * information and e820 map (or from the lowest address the guest can reach, if that is higher), up
 * to the extended BIOS data area at 0x9fc00.
 */
final class BootInfoBuilder {
    /** QEMU's MULTIBOOT_STRUCT_ADDR (hw/i386/multiboot.c). */
    static final long DEFAULT_BASE = 0x9000;
    /** Multiboot2 wants the information 8-byte aligned (Multiboot2 3.6.1); v1 fields are 4-byte. */
    private static final int ALIGN = 8;

    /** Something already in guest RAM that the boot information must not overlap. */
    record Occupied(String what, long start, long end) {
    }

    private final long base;
    private ByteBuffer bytes = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    private int size;

    /** @param lowestMappable the lowest address the guest can reach */
    BootInfoBuilder(long lowestMappable) {
        base = Math.max(DEFAULT_BASE, (lowestMappable + ALIGN - 1) & -ALIGN);
    }

    long base() {
        return base;
    }

    /** Room for length zero bytes at the next multiple of align (a power of two); returns their address. */
    long allocate(int length, int align) {
        int start = (size + align - 1) & -align;
        int needed = start + length;
        if (needed > bytes.capacity()) {
            bytes = ByteBuffer.allocate(Math.max(needed, 2 * bytes.capacity())).order(ByteOrder.LITTLE_ENDIAN)
                    .put(bytes.array(), 0, size);
        }
        size = needed;
        return base + start;
    }

    void putU32(long address, long value) {
        bytes.putInt(offset(address), (int) value);
    }

    void putU64(long address, long value) {
        bytes.putLong(offset(address), value);
    }

    void putBytes(long address, byte[] data) {
        bytes.put(offset(address), data);
    }

    /** A NUL-terminated UTF-8 copy of s; returns its address. */
    long putString(String s) {
        byte[] data = s.getBytes(StandardCharsets.UTF_8);
        long address = allocate(data.length + 1, 1);
        putBytes(address, data);
        return address;
    }

    /** The block as one segment of the load. */
    LoadedSegment segment() {
        return new LoadedSegment(base, size, size);
    }

    /**
     * Writes the block to RAM, once it is known to fit below the EBDA and in RAM, and to overlap
     * nothing in occupied (the kernel, the modules).
     */
    void writeTo(GuestMemory ram, List<Occupied> occupied) throws ImageLoadException {
        long end = base + size;
        if (end > BootMemoryMap.EBDA_START) {
            throw new ImageLoadException(Reason.BOOT_INFO_OVERLAP, String.format("the multiboot information (%s"
                    + " bytes: command line, module strings, memory map) does not fit in conventional memory %s..%s:"
                    + " shorten --append or the --module arguments", hex(size), hex(base),
                    hex(BootMemoryMap.EBDA_START)));
        }
        if (!ram.contains(base, size)) {
            throw new ImageLoadException(Reason.BOOT_INFO_OVERLAP, String.format("the multiboot information at %s..%s"
                    + " is outside %s: give more --mem", hex(base), hex(end), ram(ram)));
        }
        for (Occupied o : occupied) {
            if (o.start() < end && base < o.end()) {
                throw new ImageLoadException(Reason.BOOT_INFO_OVERLAP, String.format("%s at %s..%s overlaps the"
                        + " multiboot information, which uhv places at %s..%s in conventional memory: link the"
                        + " kernel at 0x100000 or above", o.what(), hex(o.start()), hex(o.end()), hex(base),
                        hex(end)));
            }
        }
        ram.write(base, bytes.array(), 0, size);
    }

    private int offset(long address) {
        return Math.toIntExact(address - base);
    }
}
