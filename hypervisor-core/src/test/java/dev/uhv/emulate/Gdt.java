package dev.uhv.emulate;

import dev.uhv.cpu.TableRegister;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.memory.GuestMemory;

/**
 * Builds a GDT in guest memory. Descriptor layouts from SDM Vol. 3A, 3.4.5 (segment descriptors,
 * 8 bytes) and 8.2.3 / Figure 8-4 (64-bit TSS and LDT descriptors, 16 bytes).
 */
final class Gdt {
    static final int TYPE_LDT = 0x2;
    static final int TYPE_TSS_AVAILABLE = 0x9;
    static final int TYPE_TSS_BUSY = 0xb;
    /** A flat 64-bit ring-0 code segment: L=1, P=1, S=1, type execute/read, accessed. */
    static final long CODE64 = 0x00af_9b00_0000_ffffL;
    /** Flags nibbles (G, D/B, L, AVL) of 4 GiB segments: 64-bit code, 32-bit code and data. */
    static final int FLAGS_CODE64 = 0xa, FLAGS_32 = 0xc;

    private final GuestMemory memory;
    private final long base;

    Gdt(GuestMemory memory, long base) {
        this.memory = memory;
        this.base = base;
    }

    long base() {
        return base;
    }

    /** The guest address of the descriptor a selector names. */
    long address(int selector) {
        return base + (selector & ~7);
    }

    /** Writes an 8-byte descriptor at selector. */
    Gdt put(int selector, long descriptor) {
        memory.writeU64(address(selector), descriptor);
        return this;
    }

    /** Writes a 16-byte system descriptor at selector. */
    Gdt putSystem(int selector, long base, long limit, int type, boolean present, boolean granular) {
        long[] d = system(base, limit, type, present, granular);
        memory.writeU64(address(selector), d[0]);
        memory.writeU64(address(selector) + 8, d[1]);
        return this;
    }

    /** Points the CPU's GDTR at this table with the given limit. */
    Gdt load(VirtualCpu cpu, int limit) {
        cpu.tables().setGdtr(new TableRegister(base, limit));
        return this;
    }

    /**
     * An 8-byte segment descriptor: access is the byte with P, DPL, S and type (0x9b: present ring-0
     * execute/read code, accessed), flags the nibble with G, D/B, L and AVL; limit is the 20-bit field.
     */
    static long segment(long base, long limit, int access, int flags) {
        return (limit & 0xffff)
                | (base & 0xff_ffffL) << 16
                | (long) (access & 0xff) << 40
                | ((limit >>> 16) & 0xf) << 48
                | (long) (flags & 0xf) << 52
                | ((base >>> 24) & 0xff) << 56;
    }

    /** A flat 4 GiB segment with the given access byte and flags nibble. */
    static long flat(int access, int flags) {
        return segment(0, 0xfffff, access, flags);
    }

    /** The two quadwords of a 64-bit system descriptor, DPL 0. */
    static long[] system(long base, long limit, int type, boolean present, boolean granular) {
        long low = (limit & 0xffff)
                | (base & 0xff_ffffL) << 16
                | (long) (type & 0xf) << 40
                | (present ? 1L << 47 : 0)
                | ((limit >>> 16) & 0xf) << 48
                | (granular ? 1L << 55 : 0)
                | ((base >>> 24) & 0xff) << 56;
        long high = base >>> 32;
        return new long[] {low, high};
    }
}
