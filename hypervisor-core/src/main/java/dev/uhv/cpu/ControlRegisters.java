package dev.uhv.cpu;

/**
 * CR0, CR2, CR3, CR4 and CR8 of the virtual CPU, with the checks of MOV to CRn that concern one
 * register alone (SDM Vol. 2B, "MOV - Move to/from Control Registers", and Vol. 3A, 2.5). The rules
 * that tie CR0.PG and CR4.PAE to EFER and the code segment (IA-32e mode activation) are
 * {@link VirtualCpu#writeCr0} and {@link VirtualCpu#writeCr4}. Only the values change; the host keeps
 * running guest code with its own paging.
 */
public final class ControlRegisters {
    public static final long CR0_PE = 1L, CR0_MP = 1L << 1, CR0_EM = 1L << 2, CR0_TS = 1L << 3,
            CR0_ET = 1L << 4, CR0_NE = 1L << 5, CR0_WP = 1L << 16, CR0_AM = 1L << 18, CR0_NW = 1L << 29,
            CR0_CD = 1L << 30, CR0_PG = 1L << 31;
    /** CR0 bits a guest can hold; writes to the other low bits are ignored, as KVM does. */
    static final long CR0_DEFINED = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM
            | CR0_NW | CR0_CD | CR0_PG;

    public static final long CR4_VME = 1L, CR4_PVI = 1L << 1, CR4_TSD = 1L << 2, CR4_DE = 1L << 3,
            CR4_PSE = 1L << 4, CR4_PAE = 1L << 5, CR4_MCE = 1L << 6, CR4_PGE = 1L << 7, CR4_PCE = 1L << 8,
            CR4_OSFXSR = 1L << 9, CR4_OSXMMEXCPT = 1L << 10, CR4_UMIP = 1L << 11, CR4_FSGSBASE = 1L << 16,
            CR4_PCIDE = 1L << 17, CR4_OSXSAVE = 1L << 18, CR4_SMEP = 1L << 20, CR4_SMAP = 1L << 21,
            CR4_PKE = 1L << 22;
    /**
     * CR4 bits the virtual CPU offers: those whose feature its CPUID reports (CpuidFeatures). A bit of
     * a feature CPUID hides is reserved, and setting it is #GP (SDM Vol. 3A, 2.5): VME and PVI
     * (CPUID.1:EDX.VME), LA57, VMXE, SMXE, UMIP, SMEP, SMAP and PKE (the guest runs at host CPL3,
     * where they cannot act).
     */
    public static final long CR4_SUPPORTED = CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE
            | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_FSGSBASE | CR4_PCIDE | CR4_OSXSAVE;

    private final int physicalAddressBits;
    private long cr0;
    private long cr2;
    private long cr3;
    private long cr4;
    private long cr8;

    /**
     * @param physicalAddressBits MAXPHYADDR of the virtual CPU: CR3 bits from it up to 63 are
     *                            reserved
     */
    public ControlRegisters(long cr0, long cr4, int physicalAddressBits) {
        this.cr0 = cr0;
        this.cr4 = cr4;
        this.physicalAddressBits = physicalAddressBits;
    }

    public long cr0() {
        return cr0;
    }

    public long cr2() {
        return cr2;
    }

    public long cr3() {
        return cr3;
    }

    public long cr4() {
        return cr4;
    }

    /** CR0.PG: the guest has paging on (uhv runs its code on the identity mapping either way). */
    public boolean pagingEnabled() {
        return (cr0 & CR0_PG) != 0;
    }

    public long cr8() {
        return cr8;
    }

    public void writeCr0(long value) throws GuestFault {
        if ((value >>> 32) != 0) {
            throw GuestFault.gp(String.format("mov cr0, 0x%x sets reserved bits 63:32", value));
        }
        if ((value & CR0_PG) != 0 && (value & CR0_PE) == 0) {
            throw GuestFault.gp(String.format("mov cr0, 0x%x sets PG without PE", value));
        }
        if ((value & CR0_NW) != 0 && (value & CR0_CD) == 0) {
            throw GuestFault.gp(String.format("mov cr0, 0x%x sets NW without CD", value));
        }
        // ET is hardwired to 1 on every processor since the P6 family (SDM Vol. 3A, 2.5).
        cr0 = (value & CR0_DEFINED) | CR0_ET;
    }

    /** CR2 holds the last page-fault address; any value may be written. */
    public void writeCr2(long value) {
        cr2 = value;
    }

    public void writeCr3(long value) throws GuestFault {
        // With CR4.PCIDE, bit 63 means "do not flush" and is not stored (SDM Vol. 3A, 4.10.4.1).
        long stored = (cr4 & CR4_PCIDE) != 0 ? value & ~(1L << 63) : value;
        if (physicalAddressBits < 64 && (stored >>> physicalAddressBits) != 0) {
            throw GuestFault.gp(String.format("mov cr3, 0x%x sets bits above MAXPHYADDR (%d)", value,
                    physicalAddressBits));
        }
        cr3 = stored;
    }

    public void writeCr4(long value) throws GuestFault {
        long reserved = value & ~CR4_SUPPORTED;
        if (reserved != 0) {
            throw GuestFault.gp(String.format("mov cr4, 0x%x sets reserved bits 0x%x", value, reserved));
        }
        if ((value & CR4_PCIDE) != 0 && (cr4 & CR4_PCIDE) == 0 && (cr3 & 0xfff) != 0) {
            throw GuestFault.gp(String.format("mov cr4, 0x%x sets PCIDE while CR3[11:0] = 0x%x", value, cr3 & 0xfff));
        }
        cr4 = value;
    }

    /** CR8 is the task-priority register: bits 3:0, the rest reserved (SDM Vol. 3A, 10.8.6.1). */
    public void writeCr8(long value) throws GuestFault {
        if ((value & ~0xfL) != 0) {
            throw GuestFault.gp(String.format("mov cr8, 0x%x sets reserved bits 63:4", value));
        }
        cr8 = value;
    }
}
