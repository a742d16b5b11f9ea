package dev.uhv.gdb;

import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.Register;

/**
 * Reads and writes the registers of {@link TargetDescription} on the virtual CPU: the general
 * registers and rip as the guest's process holds them, RFLAGS with the virtual IF and IOPL, the
 * guest's own selectors (not the host's it runs on), the bases as the guest set them.
 */
final class GuestRegisters {
    private static final Register[] SEGMENTS = {Register.ES, Register.CS, Register.SS, Register.DS, Register.FS,
        Register.GS};

    private GuestRegisters() {
    }

    static long read(VirtualCpu cpu, GdbRegister reg) {
        return switch (reg.source()) {
            case GPR -> cpu.regs().gpr(reg.index());
            case RIP -> cpu.regs().rip();
            case RFLAGS -> cpu.guestRflags();
            case SEGMENT -> cpu.selector(SEGMENTS[reg.index()]);
            case FS_BASE -> cpu.msrs().fsBase();
            case GS_BASE -> cpu.msrs().gsBase();
            case KERNEL_GS_BASE -> cpu.msrs().kernelGsBase();
            case CONTROL -> switch (reg.index()) {
                case 0 -> cpu.cr().cr0();
                case 2 -> cpu.cr().cr2();
                case 3 -> cpu.cr().cr3();
                case 4 -> cpu.cr().cr4();
                default -> cpu.cr().cr8();
            };
            case EFER -> cpu.msrs().efer();
            case NOT_KEPT -> 0;
        };
    }

    /**
     * Writes reg, where gdb may: the general registers, rip, RFLAGS and the FS/GS bases. The others
     * would need the checks and side effects of the instructions that write them (a CR0 write
     * switching paging, a selector load reading the GDT): false when value would change one of them.
     */
    static boolean write(VirtualCpu cpu, GdbRegister reg, long value) {
        switch (reg.source()) {
            case GPR -> cpu.regs().setGpr(reg.index(), value);
            case RIP -> cpu.regs().setRip(value);
            case RFLAGS -> cpu.setGuestRflags(value);
            case FS_BASE -> cpu.msrs().setFsBase(value);
            case GS_BASE -> cpu.msrs().setGsBase(value);
            default -> {
                return read(cpu, reg) == value;
            }
        }
        return true;
    }
}
