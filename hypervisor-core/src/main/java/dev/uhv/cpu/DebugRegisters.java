package dev.uhv.cpu;

/**
 * DR0-DR7, recorded (breakpoints are not armed on the host). SDM Vol. 3A, 17.2: DR4/DR5 alias
 * DR6/DR7 unless CR4.DE, when they are #UD; a write of ones to DR6/DR7 bits 63:32 is #GP; DR6 reads
 * its reserved bits as ones and DR7 bit 10 as one.
 */
public final class DebugRegisters {
    static final long DR6_FIXED_1 = 0xffff0ff0L;
    static final long DR7_FIXED_1 = 0x400L;
    static final long DR6_BS = 1L << 14;

    private final long[] dr = new long[8];

    public DebugRegisters() {
        dr[6] = DR6_FIXED_1;
        dr[7] = DR7_FIXED_1;
    }

    public long read(int n, long cr4) throws GuestFault {
        return dr[resolve(n, cr4)];
    }

    public void write(int n, long value, long cr4) throws GuestFault {
        int r = resolve(n, cr4);
        if (r >= 6 && (value >>> 32) != 0) {
            throw GuestFault.gp(String.format("mov dr%d, 0x%x sets bits 63:32", n, value));
        }
        dr[r] = switch (r) {
            case 6 -> value | DR6_FIXED_1;
            case 7 -> (value | DR7_FIXED_1) & ~(3L << 11) & ~(1L << 14) & ~(1L << 15);
            default -> value;
        };
    }

    private static int resolve(int n, long cr4) throws GuestFault {
        if (n == 4 || n == 5) {
            if ((cr4 & ControlRegisters.CR4_DE) != 0) {
                throw GuestFault.ud("mov dr" + n + " with CR4.DE set");
            }
            return n + 2;
        }
        if (n > 7) {
            throw GuestFault.ud("mov dr" + n + " does not exist");
        }
        return n;
    }

    /** Sets DR6.BS: the #DB being delivered is a single-step trap (SDM Vol. 3A, 17.2.3). */
    public void recordSingleStep() {
        dr[6] |= DR6_BS;
    }

    /** DR0..DR7 as stored (DR4/DR5 report DR6/DR7). */
    public long[] snapshot() {
        return dr.clone();
    }
}
