package dev.uhv.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual CPU's model-specific registers. FS_BASE and GS_BASE live in the register file, so a
 * write takes real effect in the guest's process (where the host can hold the value); TSC reads are the host TSC plus an offset that a
 * write sets (as KVM's TSC offsetting). Each write is checked as WRMSR checks it (SDM Vol. 2B WRMSR,
 * Vol. 4 per MSR); a violation is #GP(0). An index that is not modelled is #GP too: the caller
 * decides whether to ignore it (--ignore-msrs). IA32_APIC_BASE and the x2APIC range belong to the
 * local APIC: accesses go to the {@link ApicMsrs} attached (none: #GP, as on a CPU without one).
 */
public final class MsrFile {
    public static final long EFER_SCE = 1L, EFER_LME = 1L << 8, EFER_LMA = 1L << 10, EFER_NXE = 1L << 11;
    static final long EFER_WRITABLE = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    /** Power-on PAT: WB, WT, UC-, UC repeated (SDM Vol. 3A, 11.12.4). */
    public static final long PAT_DEFAULT = 0x0007040600070406L;
    /** 8 variable ranges, fixed ranges, write-combining (SDM Vol. 3A, 11.11.1), all modelled (MtrrRanges). */
    public static final long MTRRCAP_VALUE = 8 | (1 << 8) | (1 << 10);
    /** Fast strings enabled, BTS and PEBS unavailable (as QEMU reports). */
    public static final long MISC_ENABLE_DEFAULT = 1 | (1 << 11) | (1 << 12);

    /**
     * The end of the host's user address space (x86-64 Linux TASK_SIZE_MAX): the kernel refuses an
     * FS/GS base at or above it, and higher-half kernels put their per-CPU GS base there.
     */
    public static final long HOST_USER_LIMIT = 0x7fff_ffff_f000L;
    /**
     * Where the child's real base points while the guest's cannot be held: 64 TiB, never mapped in
     * the child (guest RAM is below 1 GiB, the launcher near 0x5555_0000_0000 and above), so any
     * access through it faults and {@link #explainFault} says why.
     */
    static final long UNREPRESENTABLE_BASE_PLACEHOLDER = 0x4000_0000_0000L;
    private static final Logger log = LoggerFactory.getLogger(MsrFile.class);

    private final RegisterFile regs;
    private boolean fsVirtual;
    private boolean gsVirtual;
    private long fsGuest;
    private long gsGuest;
    private boolean unrepresentableReported;
    private final LongSupplier hostTsc;
    private final MtrrRanges mtrrs;
    private long tscOffset;
    private boolean tscWritten;
    private ApicMsrs apic = ApicMsrs.ABSENT;
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
    /** CR0.PG, for the EFER.LME rule; {@link VirtualCpu} connects it to its control registers. */
    private BooleanSupplier pagingEnabled = () -> true;

    public MsrFile(RegisterFile regs, LongSupplier hostTsc, long efer, int physicalAddressBits) {
        this.regs = regs;
        this.hostTsc = hostTsc;
        this.efer = efer;
        this.mtrrs = new MtrrRanges(physicalAddressBits);
    }

    /** Attaches the local APIC that serves IA32_APIC_BASE and the x2APIC MSRs. */
    public void attachApic(ApicMsrs value) {
        apic = value;
    }

    public long read(int index) throws GuestFault {
        if (ApicMsrs.covers(index)) {
            return apic.read(index);
        }
        Msr msr = Msr.byIndex(index);
        if (msr == null) {
            throw unknown("rdmsr", index);
        }
        return switch (msr) {
            case TSC -> hostTsc.getAsLong() + tscOffset;
            case MTRRCAP -> MTRRCAP_VALUE;
            case SYSENTER_CS -> sysenterCs;
            case SYSENTER_ESP -> sysenterEsp;
            case SYSENTER_EIP -> sysenterEip;
            case MISC_ENABLE -> miscEnable;
            case PAT -> pat;
            case MTRR_DEF_TYPE -> mtrrDefType;
            case EFER -> efer;
            case STAR -> star;
            case LSTAR -> lstar;
            case CSTAR -> cstar;
            case SFMASK -> sfmask;
            case FS_BASE -> fsBase();
            case GS_BASE -> gsBase();
            case KERNEL_GS_BASE -> kernelGsBase;
            case TSC_AUX -> tscAux;
            default -> mtrrs.read(msr);
        };
    }

    public void write(int index, long value) throws GuestFault {
        if (ApicMsrs.covers(index)) {
            apic.write(index, value);
            return;
        }
        Msr msr = Msr.byIndex(index);
        if (msr == null) {
            throw unknown("wrmsr", index);
        }
        switch (msr) {
            case TSC -> {
                tscOffset = value - hostTsc.getAsLong();
                tscWritten = true;
            }
            case MTRRCAP -> throw GuestFault.gp("wrmsr MTRRcap (0xfe) is read-only");
            case SYSENTER_CS -> sysenterCs = value & 0xffff;
            case SYSENTER_ESP -> sysenterEsp = canonical("SYSENTER_ESP", value);
            case SYSENTER_EIP -> sysenterEip = canonical("SYSENTER_EIP", value);
            case MISC_ENABLE -> miscEnable = value;
            case PAT -> pat = checkPat(value);
            case MTRR_DEF_TYPE -> mtrrDefType = checkMtrrDefType(value);
            case EFER -> efer = checkEfer(value);
            case STAR -> star = value;
            case LSTAR -> lstar = canonical("LSTAR", value);
            case CSTAR -> cstar = canonical("CSTAR", value);
            case SFMASK -> sfmask = low32("SFMASK", value);
            case FS_BASE -> setFsBase(canonical("FS_BASE", value));
            case GS_BASE -> setGsBase(canonical("GS_BASE", value));
            case KERNEL_GS_BASE -> kernelGsBase = canonical("KERNEL_GS_BASE", value);
            case TSC_AUX -> tscAux = low32("TSC_AUX", value);
            default -> mtrrs.write(msr, value);
        }
    }

    /** FS.base as the guest set it (see {@link #HOST_USER_LIMIT}). */
    public long fsBase() {
        return fsVirtual && regs.fsBase() == UNREPRESENTABLE_BASE_PLACEHOLDER ? fsGuest : regs.fsBase();
    }

    /** GS.base as the guest set it (see {@link #HOST_USER_LIMIT}). */
    public long gsBase() {
        return gsVirtual && regs.gsBase() == UNREPRESENTABLE_BASE_PLACEHOLDER ? gsGuest : regs.gsBase();
    }

    /** Sets FS.base: for real in the child where the host allows it, else kept here. */
    public void setFsBase(long value) {
        fsVirtual = !representable(value);
        fsGuest = value;
        regs.setFsBase(fsVirtual ? placeholder("FS", value) : value);
    }

    public void setGsBase(long value) {
        gsVirtual = !representable(value);
        gsGuest = value;
        regs.setGsBase(gsVirtual ? placeholder("GS", value) : value);
    }

    /**
     * Why an access at a faulting linear address failed, when it went through a base the host could
     * not hold; else null.
     */
    public String explainFault(long address) {
        long offset = address - UNREPRESENTABLE_BASE_PLACEHOLDER;
        if (offset < 0 || offset >= 1L << 40) {
            return null;
        }
        String which = gsVirtual && regs.gsBase() == UNREPRESENTABLE_BASE_PLACEHOLDER ? "GS"
                : fsVirtual && regs.fsBase() == UNREPRESENTABLE_BASE_PLACEHOLDER ? "FS" : null;
        return which == null ? null : String.format("the guest's %s base 0x%x lies above the host's user address "
                + "space, which uhv cannot map yet (higher-half kernels need guest paging)", which,
                which.equals("GS") ? gsGuest : fsGuest);
    }

    private static boolean representable(long base) {
        return Long.compareUnsigned(base, HOST_USER_LIMIT) < 0;
    }

    private long placeholder(String which, long value) {
        if (!unrepresentableReported) {
            unrepresentableReported = true;
            log.warn("guest set {}_BASE = 0x{}, above the host's user address space: uhv keeps the value, but "
                    + "{}-relative accesses fault until guest paging is supported", which, Long.toHexString(value),
                    which.toLowerCase());
        }
        return UNREPRESENTABLE_BASE_PLACEHOLDER;
    }

    public long star() {
        return star;
    }

    public long lstar() {
        return lstar;
    }

    public long cstar() {
        return cstar;
    }

    public long sfmask() {
        return sfmask;
    }

    public long sysenterCs() {
        return sysenterCs;
    }

    public long sysenterEsp() {
        return sysenterEsp;
    }

    public long sysenterEip() {
        return sysenterEip;
    }

    void connectPaging(BooleanSupplier cr0Pg) {
        pagingEnabled = cr0Pg;
    }

    /** The processor sets and clears EFER.LMA as CR0.PG changes with LME set (SDM Vol. 3A, 9.8.5). */
    void setLongModeActive(boolean active) {
        efer = active ? efer | EFER_LMA : efer & ~EFER_LMA;
    }

    /** EFER.LMA: IA-32e mode is active. */
    public boolean longModeActive() {
        return (efer & EFER_LMA) != 0;
    }

    public long efer() {
        return efer;
    }

    /** IA32_APIC_BASE (0 without an APIC). */
    public long apicBase() {
        return apic.apicBase();
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

    /** Every modelled MSR by name, in index order, for the state dump (APIC_BASE 0 without an APIC). */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Msr m : Msr.values()) {
            try {
                out.put(m.name(), m == Msr.APIC_BASE ? apicBase() : read(m.index()));
            } catch (GuestFault e) {
                throw new IllegalStateException("modelled MSR " + m + " is not readable", e);
            }
        }
        return out;
    }

    /** Whether uhv models the MSR (--ignore-msrs leaves it alone): the x2APIC range is modelled whole. */
    public static boolean isModelled(int index) {
        return ApicMsrs.covers(index) || Msr.byIndex(index) != null;
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
        // LME may not change while paging is on (SDM Vol. 3A, 9.8.5; Vol. 2B WRMSR).
        if (((value ^ efer) & EFER_LME) != 0 && pagingEnabled.getAsBoolean()) {
            throw GuestFault.gp(String.format("wrmsr EFER = 0x%x changes LME while CR0.PG = 1", value));
        }
        // LMA is read-only: the processor sets it (SDM Vol. 3A, 9.8.5); writes keep the current value.
        return (value & ~EFER_LMA) | (efer & EFER_LMA);
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

    static boolean validMemoryType(int type) {
        return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
    }
}
