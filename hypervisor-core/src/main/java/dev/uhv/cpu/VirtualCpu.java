package dev.uhv.cpu;

import dev.uhv.decoder.Register;

/**
 * The state of the virtual CPU that the host hardware does not hold for the guest: control, debug
 * and descriptor-table registers, MSRs, XCR0, the virtual IF and IOPL, CPL and the guest's view of
 * its segment selectors. The general registers, rip and rflags are in {@link #regs()}, moved to and
 * from the child by the transport.
 *
 * <p>The guest always runs natively at host CPL3 on the host's own user segments: 64-bit code on
 * {@link #HOST_CODE64}, 32-bit code on {@link #HOST_CODE32} (compatibility mode), data on
 * {@link #HOST_DATA}. The guest's selectors and CPL live here only; {@link #enterCode} keeps the
 * host's code segment in step with the bitness of the guest's.
 */
public final class VirtualCpu {
    /** Linux's __USER_CS, __USER32_CS and __USER_DS: what the guest reads with `mov %cs, %ax`. */
    public static final int HOST_CODE64 = 0x33, HOST_CODE32 = 0x23, HOST_DATA = 0x2b;

    private final RegisterFile regs;
    private final ControlRegisters cr;
    private final MsrFile msrs;
    private final DebugRegisters dr = new DebugRegisters();
    private final DescriptorTables tables = new DescriptorTables();
    private final CpuidModel cpuid;
    private long xcr0;
    private final ExceptionHistory exceptions = new ExceptionHistory();
    /** ES, CS, SS, DS, FS, GS as the guest loaded them (decoder segment index order). */
    private final int[] selectors = new int[6];
    private boolean interruptFlag;
    private int iopl;
    private int cpl;
    private int codeBits = 64;
    private int bootCodeBits = 64;
    /** The host SS that marks virtual CPL0-2 (0: not available, SS stays the host's). */
    private int kernelStackSelector;
    /** The guest's latest CPL0 selectors of each kind: what a host selector it read back stands for. */
    private int kernelCode64;
    private int kernelCode32;
    private int kernelData;

    public VirtualCpu(RegisterFile regs, ControlRegisters cr, MsrFile msrs, CpuidModel cpuid, long xcr0) {
        this.regs = regs;
        this.cr = cr;
        this.msrs = msrs;
        this.cpuid = cpuid;
        this.xcr0 = xcr0;
        msrs.connectPaging(cr::pagingEnabled);
    }

    /**
     * MOV to CR0 with the IA-32e rules (SDM Vol. 3A, 9.8.5; Vol. 2B, MOV to CR0): paging cannot be
     * turned off in 64-bit code; turning it on with EFER.LME set needs CR4.PAE and activates IA-32e
     * mode (EFER.LMA), in compatibility mode until a far transfer loads a 64-bit code segment; turning
     * it off from compatibility mode leaves IA-32e mode.
     */
    public void writeCr0(long value) throws GuestFault {
        boolean paging = (value & ControlRegisters.CR0_PG) != 0;
        boolean lme = (msrs.efer() & MsrFile.EFER_LME) != 0;
        if (!paging && cr.pagingEnabled() && codeBits == 64) {
            throw GuestFault.gp(String.format("mov cr0, 0x%x clears PG in 64-bit mode", value));
        }
        if (paging && !cr.pagingEnabled() && lme && (cr.cr4() & ControlRegisters.CR4_PAE) == 0) {
            throw GuestFault.gp(String.format("mov cr0, 0x%x enables paging with EFER.LME set but CR4.PAE clear",
                    value));
        }
        cr.writeCr0(value);
        msrs.setLongModeActive(paging && lme);
    }

    /** MOV to CR4: PAE stays on in IA-32e mode, and PCIDE needs it (SDM Vol. 2B, MOV to CR4). */
    public void writeCr4(long value) throws GuestFault {
        boolean ia32e = msrs.longModeActive();
        if (ia32e && (value & ControlRegisters.CR4_PAE) == 0) {
            throw GuestFault.gp(String.format("mov cr4, 0x%x clears PAE in IA-32e mode", value));
        }
        if (!ia32e && (value & ControlRegisters.CR4_PCIDE) != 0) {
            throw GuestFault.gp(String.format("mov cr4, 0x%x sets PCIDE outside IA-32e mode", value));
        }
        cr.writeCr4(value);
    }

    public RegisterFile regs() {
        return regs;
    }

    public ControlRegisters cr() {
        return cr;
    }

    public MsrFile msrs() {
        return msrs;
    }

    public DebugRegisters dr() {
        return dr;
    }

    public DescriptorTables tables() {
        return tables;
    }

    public CpuidModel cpuid() {
        return cpuid;
    }

    public long xcr0() {
        return xcr0;
    }

    public void setXcr0(long value) {
        xcr0 = value;
    }

    /** The guest's IF: the host's RFLAGS.IF is always 1 for a user process, so uhv keeps the guest's here. */
    public boolean interruptFlag() {
        return interruptFlag;
    }

    public void setInterruptFlag(boolean value) {
        interruptFlag = value;
    }

    public int cpl() {
        return cpl;
    }

    /** 64 in long-mode code, 32 in compatibility mode or 32-bit protected mode, 16 in 16-bit code. */
    public int codeBits() {
        return codeBits;
    }

    /**
     * Enters a code segment: the guest's CS and CPL, and the host code segment that runs code of that
     * bitness natively (SETREGS moves the child there on resume).
     */
    public void enterCode(int selector, int bits, int newCpl) {
        selectors[Register.CS.index()] = selector & 0xffff;
        codeBits = bits;
        cpl = newCpl;
        if (newCpl == 0 && !isHostSelector(selector)) {
            if (bits == 64) {
                kernelCode64 = selector & 0xffff;
            } else if (bits == 32) {
                kernelCode32 = selector & 0xffff;
            }
        }
        regs.setCs(bits == 64 ? HOST_CODE64 : HOST_CODE32);
        restoreHostStackSegment();
    }

    /**
     * Runs the guest at virtual CPL0-2 on host SS = selector (a flat data segment of the child's own,
     * distinct from the host's user SS). An `iretq` to ring 3 whose selectors the host accepts (CS
     * 0x33 or 0x23 with SS 0x2b, Linux's layout) runs natively without a trap; it loads SS from its
     * frame, and {@link #followNativeReturnToUser} sees the change at the next trap.
     */
    public void useKernelStackSelector(int selector) {
        if (selector == 0) {
            return;
        }
        kernelStackSelector = selector;
        restoreHostStackSegment();
    }

    /** Puts the host SS that goes with the current CPL back into the registers. */
    public void restoreHostStackSegment() {
        if (kernelStackSelector != 0) {
            regs.setSs(cpl < 3 ? kernelStackSelector : HOST_DATA);
        }
    }

    /**
     * At a trap: if the guest left virtual CPL0-2 natively (its SS is no longer the kernel marker),
     * it is at CPL3 on the selectors the host's CPU loaded from its frame, which are its own. The
     * frame's IF was not seen; a ring-3 program runs with interrupts enabled. Returns whether it did.
     */
    public boolean followNativeReturnToUser() {
        if (kernelStackSelector == 0 || cpl == 3 || regs.ss() == kernelStackSelector) {
            return false;
        }
        int hostCs = regs.cs();
        selectors[Register.CS.index()] = hostCs;
        selectors[Register.SS.index()] = regs.ss();
        codeBits = hostCs == HOST_CODE32 ? 32 : 64;
        cpl = 3;
        interruptFlag = true;
        return true;
    }

    /** The guest's selector in a segment register (ES..GS). */
    public int selector(Register segment) {
        return selectors[segment.index()];
    }

    /** Records a data segment load (DS, ES, FS, GS, SS); CS changes through {@link #enterCode}. */
    public void setSelector(Register segment, int selector) {
        if (segment == Register.CS) {
            throw new IllegalArgumentException("CS changes with enterCode");
        }
        selectors[segment.index()] = selector & 0xffff;
        if (cpl == 0 && (selector & ~3) != 0 && !isHostSelector(selector)) {
            kernelData = selector & 0xffff;
        }
    }

    /**
     * The guest selector that a selector of the host's stands for, or 0 when it is none of them.
     * The guest reads the host's selectors back (`mov %cs, %ax` gives 0x33 in 64-bit code, 0x23 in
     * 32-bit code; data and stack segments give 0x2b or the kernel-SS marker) and may store them in
     * an IDT gate, STAR or a far pointer: they stand for its latest CPL0 code selector of that
     * bitness, or its latest CPL0 data selector.
     */
    public int hostSelectorAlias(int selector) {
        int index = selector & ~3;
        if (index == (HOST_CODE64 & ~3)) {
            return kernelCode64;
        }
        if (index == (HOST_CODE32 & ~3)) {
            return kernelCode32;
        }
        if (index == (HOST_DATA & ~3) || (kernelStackSelector != 0 && index == (kernelStackSelector & ~3))) {
            return kernelData;
        }
        return 0;
    }

    /**
     * Whether selector (RPL aside) is one the guest can read back from the host: never recorded as
     * what such a selector stands for, even before the guest has a selector of that kind.
     */
    private boolean isHostSelector(int selector) {
        int index = selector & ~3;
        return index == (HOST_CODE64 & ~3) || index == (HOST_CODE32 & ~3) || index == (HOST_DATA & ~3)
                || (kernelStackSelector != 0 && index == (kernelStackSelector & ~3));
    }

    /** The IOPL the guest set (the host's is always 0). */
    public int iopl() {
        return iopl;
    }

    /** RFLAGS as the guest sees it: the hardware's arithmetic and trap flags, with the virtual IF and IOPL. */
    public long guestRflags() {
        long hw = regs.rflags() & ~(Rflags.IF | Rflags.IOPL);
        return hw | (interruptFlag ? Rflags.IF : 0) | ((long) iopl << Rflags.IOPL_SHIFT);
    }

    /**
     * Sets RFLAGS as an iret, sysret or exception delivery does: IF and IOPL become virtual, the rest
     * goes to the hardware (which keeps IF set and ignores IOPL, VM and NT for a user process).
     */
    public void setGuestRflags(long value) {
        interruptFlag = (value & Rflags.IF) != 0;
        iopl = (int) (value >>> Rflags.IOPL_SHIFT) & 3;
        regs.setRflags((value & ~(Rflags.IOPL | Rflags.NT | Rflags.VM)) | Rflags.IF | Rflags.FIXED_1);
    }

    /**
     * The bitness of uhv's boot GDT (64 or 32): until the guest loads a GDT of its own, selectors
     * 0x08 (code) and 0x10 (data) resolve to flat ring-0 segments of that kind.
     */
    public int bootCodeBits() {
        return bootCodeBits;
    }

    public void setBootCodeBits(int bits) {
        bootCodeBits = bits;
    }

    /** The last exceptions raised, for the dump and a triple fault's log. */
    public ExceptionHistory exceptions() {
        return exceptions;
    }
}
