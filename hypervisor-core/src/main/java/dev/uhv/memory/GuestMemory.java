package dev.uhv.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Guest RAM seen from uhv: guest-physical addresses 0..size(), little-endian, every access
 * bounds-checked (an access outside RAM throws {@link GuestMemoryException}, never touches host
 * memory). Backed by a heap buffer in tests or by the shared mapping the child also maps.
 */
public final class GuestMemory {
    private final ByteBuffer buf;
    private final long size;

    public GuestMemory(ByteBuffer buffer) {
        this.buf = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.size = buf.capacity();
    }

    /** Heap-backed RAM for tests and tools. */
    public static GuestMemory allocate(int size) {
        return new GuestMemory(ByteBuffer.allocate(size));
    }

    public long size() {
        return size;
    }

    public boolean contains(long address, long length) {
        return address >= 0 && length >= 0 && address <= size - length;
    }

    private int check(long address, long length) {
        if (!contains(address, length)) {
            throw new GuestMemoryException(address, length, size);
        }
        return (int) address;
    }

    public int readU8(long address) {
        return buf.get(check(address, 1)) & 0xff;
    }

    public int readU16(long address) {
        return buf.getShort(check(address, 2)) & 0xffff;
    }

    public long readU32(long address) {
        return buf.getInt(check(address, 4)) & 0xffff_ffffL;
    }

    public long readU64(long address) {
        return buf.getLong(check(address, 8));
    }

    /** Reads size bytes (1, 2, 4 or 8) zero-extended. */
    public long read(long address, int size) {
        return switch (size) {
            case 1 -> readU8(address);
            case 2 -> readU16(address);
            case 4 -> readU32(address);
            case 8 -> readU64(address);
            default -> throw new IllegalArgumentException("access size " + size);
        };
    }

    public void writeU8(long address, int value) {
        buf.put(check(address, 1), (byte) value);
    }

    public void writeU16(long address, int value) {
        buf.putShort(check(address, 2), (short) value);
    }

    public void writeU32(long address, long value) {
        buf.putInt(check(address, 4), (int) value);
    }

    public void writeU64(long address, long value) {
        buf.putLong(check(address, 8), value);
    }

    /** Writes the low size bytes (1, 2, 4 or 8) of value. */
    public void write(long address, int size, long value) {
        switch (size) {
            case 1 -> writeU8(address, (int) value);
            case 2 -> writeU16(address, (int) value);
            case 4 -> writeU32(address, value);
            case 8 -> writeU64(address, value);
            default -> throw new IllegalArgumentException("access size " + size);
        }
    }

    public void read(long address, byte[] dst, int offset, int length) {
        buf.get(check(address, length), dst, offset, length);
    }

    public void write(long address, byte[] src, int offset, int length) {
        buf.put(check(address, length), src, offset, length);
    }

    /** Zero-fills a range (ELF .bss). */
    public void fill(long address, long length, byte value) {
        int start = check(address, length);
        for (int i = 0; i < length; i++) {
            buf.put(start + i, value);
        }
    }

    /**
     * Copies up to dst.length bytes starting at address, stopping at the end of RAM; returns how
     * many were copied (0 if address is outside RAM). Used to fetch instruction bytes.
     */
    public int readAvailable(long address, byte[] dst) {
        if (address < 0 || address >= size) {
            return 0;
        }
        int n = (int) Math.min(dst.length, size - address);
        buf.get((int) address, dst, 0, n);
        return n;
    }
}
