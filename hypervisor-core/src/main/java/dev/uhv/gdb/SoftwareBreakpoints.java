package dev.uhv.gdb;

import dev.uhv.memory.GuestMemory;

import java.util.Arrays;

/**
 * gdb's software breakpoints: an int3 (0xCC) over the first byte of an instruction in guest RAM.
 * They are in RAM only while the guest runs natively: the run loop {@link #insert}s them just before
 * it resumes the guest and {@link #lift}s them as soon as the guest stops, so everything that reads
 * guest memory while the guest stands still (the decoder, the emulators, the code scanner, gdb's own
 * reads) sees the original bytes, and a breakpoint the guest runs into is told from the guest's own
 * int3 by its address. What the guest can observe: its own native reads of a breakpoint's byte,
 * while it runs, give 0xCC, as under KVM's gdb stub. No allocation on insert and lift: they run
 * around every trap while breakpoints are set.
 */
public final class SoftwareBreakpoints {
    public static final int INT3 = 0xcc;
    /** gdb sets a few at a time; more is a runaway script. */
    public static final int MAX = 256;

    private final long[] addresses = new long[MAX];
    private final byte[] saved = new byte[MAX];
    private int count;
    private boolean inserted;

    /** Adds a breakpoint at address (again: no change); false when the table is full. Only while lifted. */
    public boolean add(long address) {
        requireLifted();
        if (indexOf(address) >= 0) {
            return true;
        }
        if (count == MAX) {
            return false;
        }
        addresses[count++] = address;
        return true;
    }

    /** Removes the breakpoint at address, if there is one. Only while lifted. */
    public void remove(long address) {
        requireLifted();
        int i = indexOf(address);
        if (i >= 0) {
            addresses[i] = addresses[--count];
        }
    }

    /** Forgets every breakpoint (gdb detached or went away). Only while lifted. */
    public void clear() {
        requireLifted();
        count = 0;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public boolean contains(long address) {
        return indexOf(address) >= 0;
    }

    /** The breakpoints' addresses, in no order. */
    public long[] addresses() {
        return Arrays.copyOf(addresses, count);
    }

    private int indexOf(long address) {
        for (int i = 0; i < count; i++) {
            if (addresses[i] == address) {
                return i;
            }
        }
        return -1;
    }

    /** Writes int3 over each breakpoint's byte in memory, keeping the bytes it replaces. */
    public void insert(GuestMemory memory) {
        if (inserted) {
            return;
        }
        for (int i = 0; i < count; i++) {
            saved[i] = (byte) memory.readU8(addresses[i]);
            memory.writeU8(addresses[i], INT3);
        }
        inserted = true;
    }

    /**
     * Puts the original bytes back. A breakpoint byte the guest itself overwrote meanwhile (it is no
     * longer 0xCC) keeps the guest's byte.
     */
    public void lift(GuestMemory memory) {
        if (!inserted) {
            return;
        }
        for (int i = 0; i < count; i++) {
            if (memory.readU8(addresses[i]) == INT3) {
                memory.writeU8(addresses[i], saved[i]);
            }
        }
        inserted = false;
    }

    private void requireLifted() {
        if (inserted) {
            throw new IllegalStateException("breakpoints change only while the guest stands still, lifted");
        }
    }
}
