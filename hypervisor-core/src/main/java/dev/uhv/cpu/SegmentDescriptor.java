package dev.uhv.cpu;

/**
 * One 8-byte code or data segment descriptor as the guest wrote it in its GDT or LDT (SDM Vol. 3A,
 * 3.4.5): base, limit, type, S, DPL, P, L, D/B, G. System descriptors (TSS, LDT, gates) have S = 0.
 */
public record SegmentDescriptor(long raw) {
    /** Type bit 3 of a code/data descriptor: 1 for code. */
    private static final long CODE = 1L << 43;
    /** Type bit 2 of a code descriptor: conforming. */
    private static final long CONFORMING = 1L << 42;
    /** Type bit 1: readable (code) or writable (data). */
    private static final long READ_WRITE = 1L << 41;
    private static final long S = 1L << 44;
    private static final long P = 1L << 47;
    private static final long L = 1L << 53;
    private static final long DB = 1L << 54;
    private static final long G = 1L << 55;

    /** A flat descriptor: base 0, limit 4 GiB, present, accessed. */
    public static SegmentDescriptor flat(boolean code, int dpl, boolean longMode) {
        long raw = 0x00cf_0000_0000_ffffL | S | P | (1L << 40) | READ_WRITE | ((long) dpl << 45);
        if (code) {
            raw |= CODE;
            if (longMode) {
                raw = (raw & ~DB) | L; // a 64-bit code segment has D = 0 (SDM Vol. 3A, 5.2.1)
            }
        }
        return new SegmentDescriptor(raw);
    }

    public long base() {
        return ((raw >>> 16) & 0xff_ffffL) | (((raw >>> 56) & 0xff) << 24);
    }

    /** The limit in bytes, scaled by G. */
    public long limit() {
        long limit = (raw & 0xffff) | (((raw >>> 48) & 0xf) << 16);
        return (raw & G) != 0 ? (limit << 12) | 0xfff : limit;
    }

    /** The 4-bit type field. */
    public int type() {
        return (int) (raw >>> 40) & 0xf;
    }

    /** S = 0: a system descriptor (LDT, TSS, gate), not code or data. */
    public boolean isSystem() {
        return (raw & S) == 0;
    }

    public int dpl() {
        return (int) (raw >>> 45) & 3;
    }

    public boolean present() {
        return (raw & P) != 0;
    }

    public boolean isCode() {
        return !isSystem() && (raw & CODE) != 0;
    }

    public boolean isData() {
        return !isSystem() && (raw & CODE) == 0;
    }

    public boolean isConforming() {
        return isCode() && (raw & CONFORMING) != 0;
    }

    /** Code: readable. Data: always readable. */
    public boolean isReadable() {
        return isData() || (raw & READ_WRITE) != 0;
    }

    public boolean isWritableData() {
        return isData() && (raw & READ_WRITE) != 0;
    }

    /** A 64-bit code segment (L = 1, D = 0). */
    public boolean isLongCode() {
        return isCode() && (raw & L) != 0 && (raw & DB) == 0;
    }

    /** L = 1 with D = 1: reserved for code in IA-32e mode, where a far jmp or call to it is #GP (SDM Vol. 2A, JMP). */
    public boolean isReservedLongCode() {
        return isCode() && (raw & L) != 0 && (raw & DB) != 0;
    }

    /** 64 for long-mode code, else 32 or 16 by D/B. */
    public int codeBits() {
        if (isLongCode()) {
            return 64;
        }
        return (raw & DB) != 0 ? 32 : 16;
    }
}
