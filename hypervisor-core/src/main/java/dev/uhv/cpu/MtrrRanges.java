package dev.uhv.cpu;

/**
 * The variable and fixed-range MTRRs that MTRRcap advertises (SDM Vol. 3A, 11.11.2): 8 PHYSBASE/
 * PHYSMASK pairs and 11 fixed-range registers. Recorded and checked; the host decides real caching.
 */
final class MtrrRanges {
    private static final int VARIABLE_FIRST = 0x200, FIXED_64K = 0x250;
    private final long[] variable = new long[16];
    private final long[] fixed = new long[11];
    private final long addressBits;

    MtrrRanges(int physicalAddressBits) {
        this.addressBits = ((1L << physicalAddressBits) - 1) & ~0xfffL;
    }

    long read(Msr msr) {
        int i = msr.index();
        return i < FIXED_64K ? variable[i - VARIABLE_FIRST] : fixed[fixedSlot(i)];
    }

    void write(Msr msr, long value) throws GuestFault {
        int i = msr.index();
        if (i < FIXED_64K) {
            boolean base = (i & 1) == 0;
            // PHYSBASE: type in 7:0, 11:8 reserved; PHYSMASK: valid bit 11, 10:0 reserved (11.11.2.3)
            long allowed = addressBits | (base ? 0xffL : 0x800L);
            if ((value & ~allowed) != 0 || (base && !MsrFile.validMemoryType((int) value & 0xff))) {
                throw GuestFault.gp(String.format("wrmsr %s = 0x%x sets reserved bits or an invalid type", msr, value));
            }
            variable[i - VARIABLE_FIRST] = value;
            return;
        }
        for (int b = 0; b < 8; b++) {
            if (!MsrFile.validMemoryType((int) (value >>> (b * 8)) & 0xff)) {
                throw GuestFault.gp(String.format("wrmsr %s = 0x%x: byte %d is not a memory type", msr, value, b));
            }
        }
        fixed[fixedSlot(i)] = value;
    }

    /** FIX64K_00000, FIX16K_80000, FIX16K_A0000, FIX4K_C0000..F8000 in that order. */
    private static int fixedSlot(int index) {
        return switch (index) {
            case 0x250 -> 0;
            case 0x258 -> 1;
            case 0x259 -> 2;
            default -> 3 + index - 0x268;
        };
    }
}
