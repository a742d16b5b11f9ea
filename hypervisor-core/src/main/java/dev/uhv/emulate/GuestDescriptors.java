package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.SegmentDescriptor;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import dev.uhv.cpu.VirtualCpu;

/**
 * Reads the guest's own descriptors: segment descriptors from its GDT or LDT, and stack pointers from
 * its 64-bit TSS. Until the guest loads a GDT (GDTR base and limit both 0, uhv's entry state), the
 * selectors 0x08 and 0x10 name uhv's boot GDT: flat ring-0 code (of the entry's bitness) and data.
 */
public final class GuestDescriptors {
    public static final int BOOT_CODE_SELECTOR = 0x08, BOOT_DATA_SELECTOR = 0x10;
    /** 64-bit TSS layout (SDM Vol. 3A, 8.7): RSP0..2 from offset 4, IST1..7 from offset 36. */
    private static final int TSS_RSP0 = 4, TSS_IST1 = 36;

    private GuestDescriptors() {
    }

    /**
     * The 8-byte descriptor selector names (its TI bit picks the LDT), or #GP(selector | ext) when it
     * lies beyond the table's limit. The null selector is for the caller to reject first.
     */
    public static SegmentDescriptor read(Machine m, int selector, int ext) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        int index = selector & ~7;
        long errorCode = (selector & ~3) | ext;
        TableRegister gdtr = cpu.tables().gdtr();
        if ((selector & 4) == 0 && gdtr.base() == 0 && gdtr.limit() == 0) {
            return bootDescriptor(cpu, selector, errorCode);
        }
        long base;
        long limit;
        if ((selector & 4) != 0) {
            SegmentRegister ldtr = cpu.tables().ldtr();
            if ((ldtr.selector() & ~3) == 0) {
                throw GuestFault.gp(errorCode, String.format("selector 0x%x points into the LDT, but none is loaded",
                        selector));
            }
            base = ldtr.base();
            limit = ldtr.limit();
        } else {
            base = gdtr.base();
            limit = gdtr.limit();
        }
        if (index + 7L > limit) {
            throw GuestFault.gp(errorCode, String.format("selector 0x%x is beyond the %s limit 0x%x", selector,
                    (selector & 4) != 0 ? "LDT" : "GDT", limit));
        }
        return new SegmentDescriptor(m.read(base + index, 8));
    }

    private static SegmentDescriptor bootDescriptor(VirtualCpu cpu, int selector, long errorCode) throws GuestFault {
        return switch (selector & ~7) {
            case BOOT_CODE_SELECTOR -> SegmentDescriptor.flat(true, 0, cpu.bootCodeBits() == 64);
            case BOOT_DATA_SELECTOR -> SegmentDescriptor.flat(false, 0, false);
            default -> throw GuestFault.gp(errorCode, String.format("selector 0x%x: no GDT is loaded (uhv's boot GDT "
                    + "has code at 0x08 and data at 0x10 only)", selector));
        };
    }

    /**
     * selector, or the guest selector it stands for when it is one the guest read back from the host
     * (see {@link VirtualCpu#hostSelectorAlias}) and the guest's own table has nothing there (the
     * selector is beyond its limit, or the slot is all zeros, which no load would accept). A guest
     * whose GDT really has a descriptor at 0x33 (the Linux layout) keeps it, present or not.
     */
    public static int resolveHostAlias(Machine m, int selector) {
        int alias = m.cpu().hostSelectorAlias(selector);
        if (alias == 0 || alias == selector || hasDescriptor(m, selector)) {
            return selector;
        }
        return alias;
    }

    private static boolean hasDescriptor(Machine m, int selector) {
        try {
            return read(m, selector, 0).raw() != 0;
        } catch (GuestFault none) {
            return false;
        }
    }

    /**
     * SSn (bits 47:32) and ESPn (bits 31:0) of the current 32-bit TSS (n = 0..2; SDM Vol. 3A, 8.2.1:
     * ESP0 at offset 4, SS0 at 8, 8 bytes per level).
     */
    public static long tss32Stack(Machine m, int level, int ext) throws GuestFault {
        long at = tssField(m, TSS_RSP0 + 8 * level, 6, ext, "SS" + level + ":ESP" + level);
        return m.read(at + 4, 2) << 32 | m.read(at, 4);
    }

    /** RSPn of the current 64-bit TSS (n = 0..2), for a switch to CPL n. */
    public static long tssRsp(Machine m, int level, int ext) throws GuestFault {
        return tssQword(m, TSS_RSP0 + 8 * level, ext, "RSP" + level);
    }

    /** ISTn of the current 64-bit TSS (n = 1..7). */
    public static long tssIst(Machine m, int n, int ext) throws GuestFault {
        return tssQword(m, TSS_IST1 + 8 * (n - 1), ext, "IST" + n);
    }

    private static long tssQword(Machine m, int offset, int ext, String what) throws GuestFault {
        return m.read(tssField(m, offset, 8, ext, what), 8);
    }

    /** The address of bytes at offset in the current TSS, or #TS(TR) when TR is null or its limit is short. */
    private static long tssField(Machine m, int offset, int bytes, int ext, String what) throws GuestFault {
        SegmentRegister tr = m.cpu().tables().tr();
        if ((tr.selector() & ~3) == 0 || offset + bytes - 1L > tr.limit()) {
            throw GuestFault.ts((tr.selector() & ~3) | ext, String.format("the TSS (TR 0x%x, limit 0x%x) has no %s",
                    tr.selector(), tr.limit(), what));
        }
        return tr.base() + offset;
    }
}
