package dev.uhv.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The virtual CPU's model-specific registers. FS_BASE and GS_BASE live in the register file, so a
 * write takes real effect in the guest's process; TSC reads are the host TSC plus an offset that a
 * write sets (as KVM's TSC offsetting). Each write is checked as WRMSR checks it (SDM Vol. 2B WRMSR,
 * Vol. 4 per MSR); a violation is #GP(0). An index that is not modelled is #GP too: the caller
 * decides whether to ignore it (--ignore-msrs).
 */
public final class MsrFile {
    public static final long EFER_SCE = 1L, EFER_LME = 1L << 8, EFER_LMA = 1L << 10, EFER_NXE = 1L << 11;
    static final long EFER_WRITABLE = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    public static final long APIC_BASE_BSP = 1L << 8, APIC_BASE_EXTD = 1L << 10, APIC_BASE_EN = 1L << 11;
    public static final long APIC_BASE_DEFAULT = 0xfee00000L | APIC_BASE_BSP | APIC_BASE_EN;
    /** Power-on PAT: WB, WT, UC-, UC repeated (SDM Vol. 3A, 11.12.4). */
    public static final long PAT_DEFAULT = 0x0007040600070406L;
    /** 8 variable ranges, fixed ranges, write-combining (SDM Vol. 3A, 11.11.1). */
    public static final long MTRRCAP_VALUE = 8 | (1 << 8) | (1 << 10);
    /** Fast strings enabled, BTS and PEBS unavailable (as QEMU reports). */
    public static final long MISC_ENABLE_DEFAULT = 1 | (1 << 11) | (1 << 12);

    private final RegisterFile regs;
    private final LongSupplier hostTsc;
    private final int physicalAddressBits;
    private long tscOffset;
    private boolean tscWritten;
    private long apicBase = APIC_BASE_DEFAULT;
    private long sysenterCs;
    private long sysenterEsp;
    private long sysenterEip;
    private long miscEnable = MISC_ENABLE_DEFAULT;
    private long pat = PAT_DEFAULT;
    private long mtrrDefType;
    private long efer;
    private long star;
    private long lstar;
    private long cstar;
    private long sfmask;
    private long kernelGsBase;
    private long tscAux;

    public MsrFile(RegisterFile regs, LongSupplier hostTsc, long efer, int physicalAddressBits) {
        this.regs = regs;
        this.hostTsc = hostTsc;
        this.efer = efer;
        this.physicalAddressBits = physicalAddressBits;
    }

    public long read(int index) throws GuestFault {
        return switch (index) {
            case 0x10 -> hostTsc.getAsLong() + tscOffset;
            case 0x1b -> apicBase;
            case 0xfe -> MTRRCAP_VALUE;
            case 0x174 -> sysenterCs;
            case 0x175 -> sysenterEsp;
            case 0x176 -> sysenterEip;
            case 0x1a0 -> miscEnable;
            case 0x277 -> pat;
            case 0x2ff -> mtrrDefType;
            case 0xc0000080 -> efer;
            case 0xc0000081 -> star;
            case 0xc0000082 -> lstar;
            case 0xc0000083 -> cstar;
            case 0xc0000084 -> sfmask;
            case 0xc0000100 -> regs.fsBase();
            case 0xc0000101 -> regs.gsBase();
            case 0xc0000102 -> kernelGsBase;
            case 0xc0000103 -> tscAux;
            default -> throw unknown("rdmsr", index);
        };
    }

    public void write(int index, long value) throws GuestFault {
        switch (index) {
            case 0x10 -> {
                tscOffset = value - hostTsc.getAsLong();
                tscWritten = true;
            }
            case 0x1b -> apicBase = checkApicBase(value);
            case 0xfe -> throw GuestFault.gp("wrmsr MTRRcap (0xfe) is read-only");
            case 0x174 -> sysenterCs = value & 0xffff;
            case 0x175 -> sysenterEsp = canonical("SYSENTER_ESP", value);
            case 0x176 -> sysenterEip = canonical("SYSENTER_EIP", value);
            case 0x1a0 -> miscEnable = value;
            case 0x277 -> pat = checkPat(value);
            case 0x2ff -> mtrrDefType = checkMtrrDefType(value);
            case 0xc0000080 -> efer = checkEfer(value);
            case 0xc0000081 -> star = value;
            case 0xc0000082 -> lstar = canonical("LSTAR", value);
            case 0xc0000083 -> cstar = canonical("CSTAR", value);
            case 0xc0000084 -> sfmask = low32("SFMASK", value);
            case 0xc0000100 -> regs.setFsBase(canonical("FS_BASE", value));
            case 0xc0000101 -> regs.setGsBase(canonical("GS_BASE", value));
            case 0xc0000102 -> kernelGsBase = canonical("KERNEL_GS_BASE", value);
            case 0xc0000103 -> tscAux = low32("TSC_AUX", value);
            default -> throw unknown("wrmsr", index);
        }
    }

    public long efer() {
        return efer;
    }

    public long apicBase() {
        return apicBase;
    }

    public long kernelGsBase() {
        return kernelGsBase;
    }

    public void setKernelGsBase(long value) {
        kernelGsBase = value;
    }

    public long tscAux() {
        return tscAux;
    }

    /** Whether the guest has ever written IA32_TSC (its rdtsc then differs from the host's unless trapped). */
    public boolean tscWritten() {
        return tscWritten;
    }

    /** The guest's view of the TSC now: host TSC plus the offset its writes set. */
    public long guestTsc() {
        return hostTsc.getAsLong() + tscOffset;
    }

    /** Every modelled MSR by name, in index order, for the state dump. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Msr m : Msr.values()) {
            try {
                out.put(m.name(), read(m.index()));
            } catch (GuestFault e) {
                throw new IllegalStateException("modelled MSR " + m + " is not readable", e);
            }
        }
        return out;
    }

    public static boolean isModelled(int index) {
        return Msr.byIndex(index) != null;
    }

    private static GuestFault unknown(String op, int index) {
        return GuestFault.gp(String.format("%s 0x%x (MSR not modelled; --ignore-msrs makes it read 0)", op, index));
    }

    private static long canonical(String name, long value) throws GuestFault {
        if (!Canonical.isCanonical(value)) {
            throw GuestFault.gp(String.format("wrmsr %s = 0x%x is not canonical", name, value));
        }
        return value;
    }

    private static long low32(String name, long value) throws GuestFault {
        if ((value >>> 32) != 0) {
            throw GuestFault.gp(String.format("wrmsr %s = 0x%x sets reserved bits 63:32", name, value));
        }
        return value;
    }

    private long checkEfer(long value) throws GuestFault {
        long reserved = value & ~EFER_WRITABLE;
        if (reserved != 0) {
            throw GuestFault.gp(String.format("wrmsr EFER = 0x%x sets reserved bits 0x%x", value, reserved));
        }
        // LME may not change while paging is on, and paging is always on here (SDM Vol. 2B WRMSR).
        if (((value ^ efer) & EFER_LME) != 0) {
            throw GuestFault.gp(String.format("wrmsr EFER = 0x%x changes LME while CR0.PG = 1", value));
        }
        // LMA is read-only: the processor sets it (SDM Vol. 3A, 9.8.5); writes keep the current value.
        return (value & ~EFER_LMA) | (efer & EFER_LMA);
    }

    private long checkApicBase(long value) throws GuestFault {
        long baseMask = ((1L << physicalAddressBits) - 1) & ~0xfffL;
        long reserved = value & ~(baseMask | APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN);
        if (reserved != 0) {
            throw GuestFault.gp(String.format("wrmsr APIC_BASE = 0x%x sets reserved bits 0x%x", value, reserved));
        }
        if ((value & APIC_BASE_EXTD) != 0) {
            throw GuestFault.gp(String.format("wrmsr APIC_BASE = 0x%x enables x2APIC, which CPUID does not offer", value));
        }
        // BSP is set by the processor at reset and cannot be changed by software.
        return (value & ~APIC_BASE_BSP) | (apicBase & APIC_BASE_BSP);
    }

    /** PAT entries must each be a valid memory type: 0, 1, 4, 5, 6 or 7 (SDM Vol. 3A, 11.12.2). */
    private static long checkPat(long value) throws GuestFault {
        for (int i = 0; i < 8; i++) {
            int type = (int) (value >>> (i * 8)) & 0xff;
            if (!validMemoryType(type) && type != 7) {
                throw GuestFault.gp(String.format("wrmsr PAT = 0x%x: entry %d has invalid type 0x%x", value, i, type));
            }
        }
        return value;
    }

    /** MTRRdefType: type in 7:0, FE bit 10, E bit 11, the rest reserved (SDM Vol. 3A, 11.11.2.1). */
    private static long checkMtrrDefType(long value) throws GuestFault {
        if ((value & ~0xcffL) != 0) {
            throw GuestFault.gp(String.format("wrmsr MTRRdefType = 0x%x sets reserved bits", value));
        }
        if (!validMemoryType((int) value & 0xff)) {
            throw GuestFault.gp(String.format("wrmsr MTRRdefType = 0x%x: invalid memory type", value));
        }
        return value;
    }

    private static boolean validMemoryType(int type) {
        return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
    }
}
