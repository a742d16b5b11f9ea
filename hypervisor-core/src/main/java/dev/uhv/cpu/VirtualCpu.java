package dev.uhv.cpu;

/**
 * The state of the virtual CPU that the host hardware does not hold for the guest: control, debug
 * and descriptor-table registers, MSRs, XCR0, the virtual interrupt flag and CPL. The general
 * registers, rip and rflags are in {@link #regs()}, moved to and from the child by the transport.
 */
public final class VirtualCpu {
    private final RegisterFile regs;
    private final ControlRegisters cr;
    private final MsrFile msrs;
    private final DebugRegisters dr = new DebugRegisters();
    private final DescriptorTables tables = new DescriptorTables();
    private final CpuidModel cpuid;
    private long xcr0;
    private boolean interruptFlag;
    private int cpl;

    public VirtualCpu(RegisterFile regs, ControlRegisters cr, MsrFile msrs, CpuidModel cpuid, long xcr0) {
        this.regs = regs;
        this.cr = cr;
        this.msrs = msrs;
        this.cpuid = cpuid;
        this.xcr0 = xcr0;
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

    /** RFLAGS as the guest sees it: the hardware's, with the virtual IF. */
    public long guestRflags() {
        long hw = regs.rflags() & ~Rflags.IF;
        return interruptFlag ? hw | Rflags.IF : hw;
    }
}
