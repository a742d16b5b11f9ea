package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.SegmentDescriptor;

/**
 * The protection checks of a data or stack segment load, shared by the explicit loads (MOV, POP,
 * LSS...: SDM Vol. 2B, MOV and POP) and the returns that load SS (RET far, IRET: SDM Vol. 2A and 2B).
 * Error codes are the selector with its RPL bits cleared (SDM Vol. 3A, 6.13).
 */
final class SegmentChecks {
    private SegmentChecks() {
    }

    static boolean isNull(int selector) {
        return (selector & 0xfffc) == 0;
    }

    /**
     * DS, ES, FS or GS loaded with selector at cpl: the descriptor, or null for a null selector
     * (always allowed: the register just becomes unusable).
     */
    static SegmentDescriptor dataSegment(Machine m, int selector, int cpl, String what) throws GuestFault {
        if (isNull(selector)) {
            return null;
        }
        SegmentDescriptor d = GuestDescriptors.read(m, selector, 0);
        long errorCode = selector & 0xfffc;
        if (!d.isData() && !(d.isCode() && d.isReadable())) {
            throw GuestFault.gp(errorCode, String.format("%s 0x%x: not a data or readable code segment (%s)", what,
                    selector, describe(d)));
        }
        // Conforming code may be loaded from any level; data and other code only from DPL's level or above.
        int rpl = selector & 3;
        if (!d.isConforming() && (rpl > d.dpl() || cpl > d.dpl())) {
            throw GuestFault.gp(errorCode, String.format("%s 0x%x: DPL%d segment with RPL%d at CPL%d", what, selector,
                    d.dpl(), rpl, cpl));
        }
        if (!d.present()) {
            throw GuestFault.np(errorCode, String.format("%s 0x%x: segment not present", what, selector));
        }
        return d;
    }

    /**
     * SS loaded with selector for code that will run at cpl (the current CPL for MOV/POP/LSS, the
     * returned-to CPL for RET and IRET), in 64-bit mode or not: the descriptor, or null for a null
     * selector, which only 64-bit code below CPL3 may load, and with RPL = CPL (SDM Vol. 2B, MOV,
     * 64-Bit Mode Exceptions; Vol. 2A, IRET, IA-32e Mode Exceptions).
     */
    static SegmentDescriptor stackSegment(Machine m, int selector, int cpl, boolean longMode, String what)
            throws GuestFault {
        int rpl = selector & 3;
        if (isNull(selector)) {
            if (!longMode || cpl == 3 || rpl != cpl) {
                throw GuestFault.gp(String.format("%s: null SS selector 0x%x %s", what, selector, !longMode
                        ? "outside 64-bit mode" : cpl == 3 ? "at CPL3" : "with RPL" + rpl + " at CPL" + cpl));
            }
            return null;
        }
        SegmentDescriptor d = GuestDescriptors.read(m, selector, 0);
        long errorCode = selector & 0xfffc;
        if (rpl != cpl || !d.isWritableData() || d.dpl() != cpl) {
            throw GuestFault.gp(errorCode, String.format("%s: SS 0x%x must be a writable data segment with RPL = DPL "
                    + "= CPL%d (%s, RPL%d)", what, selector, cpl, describe(d), rpl));
        }
        if (!d.present()) {
            throw GuestFault.ss(errorCode, String.format("%s: stack segment 0x%x not present", what, selector));
        }
        return d;
    }

    /** "DPL0 writable data", "DPL3 conforming code", "system type 0xc" for fault details. */
    static String describe(SegmentDescriptor d) {
        if (d.isSystem()) {
            return String.format("system descriptor of type 0x%x", d.type());
        }
        String kind = d.isData() ? (d.isWritableData() ? "writable data" : "read-only data")
                : (d.isConforming() ? "conforming " : "") + (d.isReadable() ? "readable code" : "execute-only code");
        return "DPL" + d.dpl() + " " + kind;
    }
}
