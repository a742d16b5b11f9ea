package dev.uhv.emulate;

import dev.uhv.cpu.Canonical;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Register;

import java.util.Set;

/**
 * SYSCALL/SYSRET (SDM Vol. 2B; AMD APM Vol. 3) and SYSENTER/SYSEXIT, against the guest's STAR, LSTAR,
 * CSTAR, SFMASK and SYSENTER MSRs. A guest `syscall` reaches uhv as a PTRACE_SYSEMU stop and never
 * runs in the host; sysret and sysexit fault at host CPL3. With a {@link SystemCallPersonality}
 * (--personality), uhv serves syscall and sysenter itself instead.
 */
public final class SystemCallEmulator implements Emulator {
    /** RFLAGS bits SYSRET takes from r11: all but RF and VM, bit 1 forced (SDM Vol. 2B, SYSRET). */
    private static final long SYSRET_FLAGS = 0x3c7fd7L;

    private final SystemCallPersonality personality;

    /** personality: null for the hardware's semantics (the guest's own LSTAR handler). */
    public SystemCallEmulator(SystemCallPersonality personality) {
        this.personality = personality;
    }

    @Override
    public InstructionFamily family() {
        return InstructionFamily.SYSTEM_CALL;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.SYSCALL, Mnemonic.SYSRET, Mnemonic.SYSENTER, Mnemonic.SYSEXIT);
    }

    /** sysret and sysexit are CPL0 only, checked after their #UD conditions (SDM Vol. 2B). */
    private static void requireCpl0(Machine m, String what) throws GuestFault {
        if (m.cpu().cpl() != 0) {
            throw GuestFault.gp(what + " at CPL" + m.cpu().cpl());
        }
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        if (personality != null && (insn.mnemonic() == Mnemonic.SYSCALL || insn.mnemonic() == Mnemonic.SYSENTER)) {
            return personality.serve(insn, m);
        }
        return switch (insn.mnemonic()) {
            case SYSCALL -> syscall(insn, m);
            case SYSRET -> sysret(insn, m);
            case SYSENTER -> sysenter(m);
            default -> sysexit(insn, m);
        };
    }

    private static boolean longMode(Machine m) {
        return m.cpu().msrs().longModeActive();
    }

    /**
     * rcx = next rip, r11 = RFLAGS, RFLAGS &= ~SFMASK, CS = STAR[47:32], SS = CS + 8, CPL0, rip =
     * LSTAR. From compatibility mode AMD enters at CSTAR; Intel raises #UD.
     */
    private static Outcome syscall(DecodedInstruction insn, Machine m) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        MsrFile msrs = cpu.msrs();
        if ((msrs.efer() & MsrFile.EFER_SCE) == 0) {
            throw GuestFault.ud("syscall with EFER.SCE clear");
        }
        if (!longMode(m)) {
            throw GuestFault.ud("syscall outside long mode (legacy-mode SYSCALL is not emulated)");
        }
        long target = msrs.lstar();
        if (cpu.codeBits() != 64) {
            if (!cpu.cpuid().isAmd()) {
                throw GuestFault.ud("syscall in compatibility mode on an Intel CPU");
            }
            target = msrs.cstar();
        }
        RegisterFile r = m.regs();
        long flags = cpu.guestRflags() & ~Rflags.RF;
        r.setGpr(RegisterFile.GPR_RCX, r.rip() + insn.length());
        r.setGpr(11, flags);
        int base = (int) (msrs.star() >>> 32) & 0xffff;
        int cs = GuestDescriptors.resolveHostAlias(m, base & 0xfffc);
        cpu.enterCode(cs, 64, 0);
        // STAR[47:32] + 8, RPL bits and all (SDM Vol. 2B, SYSCALL); with a host selector in STAR, the
        // guest's kernel data selector.
        cpu.setSelector(Register.SS, cs == (base & 0xfffc) ? base + 8 : cpu.hostSelectorAlias(VirtualCpu.HOST_DATA));
        cpu.setGuestRflags(flags & ~msrs.sfmask());
        r.setRip(target);
        return Outcome.JUMP;
    }

    /**
     * rip = rcx, RFLAGS = r11, CPL3; 64-bit operand size: CS = STAR[63:48] + 16, else CS =
     * STAR[63:48] (compatibility mode); SS = STAR[63:48] + 8, RPL 3 (SDM Vol. 2B, SYSRET).
     */
    private static Outcome sysret(DecodedInstruction insn, Machine m) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        MsrFile msrs = cpu.msrs();
        if ((msrs.efer() & MsrFile.EFER_SCE) == 0) {
            throw GuestFault.ud("sysret with EFER.SCE clear");
        }
        if (!longMode(m) || cpu.codeBits() != 64) {
            throw GuestFault.ud("sysret outside 64-bit mode");
        }
        requireCpl0(m, "sysret");
        RegisterFile r = m.regs();
        int base = (int) (msrs.star() >>> 48) & 0xffff;
        long rip = r.gpr(RegisterFile.GPR_RCX);
        int bits;
        int cs;
        if (insn.operandWidth() == 64) {
            if (!Canonical.isCanonical(rip)) {
                throw GuestFault.gp(String.format("sysret to non-canonical rcx 0x%x", rip));
            }
            bits = 64;
            cs = (base + 16) | 3;
        } else {
            rip &= 0xffff_ffffL;
            bits = 32;
            cs = base | 3;
        }
        cpu.setGuestRflags((r.gpr(11) & SYSRET_FLAGS) | Rflags.FIXED_1);
        cpu.enterCode(cs, bits, 3);
        cpu.setSelector(Register.SS, (base + 8) | 3);
        r.setRip(rip);
        return Outcome.JUMP;
    }

    /**
     * CS = SYSENTER_CS, SS = CS + 8, CPL0, rip = SYSENTER_EIP, rsp = SYSENTER_ESP, IF and RF cleared
     * (SDM Vol. 2B, SYSENTER). AMD CPUs raise #UD for it in long mode (APM Vol. 3, SYSENTER).
     */
    private static Outcome sysenter(Machine m) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        MsrFile msrs = cpu.msrs();
        boolean longMode = longMode(m);
        if (longMode && cpu.cpuid().isAmd()) {
            throw GuestFault.ud("sysenter in long mode on an AMD CPU");
        }
        int cs = (int) msrs.sysenterCs() & 0xfffc;
        if (cs == 0) {
            throw GuestFault.gp("sysenter with SYSENTER_CS = 0");
        }
        RegisterFile r = m.regs();
        cpu.setGuestRflags(cpu.guestRflags() & ~(Rflags.IF | Rflags.RF | Rflags.VM));
        cpu.enterCode(cs, longMode ? 64 : 32, 0);
        cpu.setSelector(Register.SS, cs + 8);
        long mask = longMode ? -1L : 0xffff_ffffL;
        r.setRip(msrs.sysenterEip() & mask);
        r.setRsp(msrs.sysenterEsp() & mask);
        return Outcome.JUMP;
    }

    /**
     * Back to CPL3: rip = rdx, rsp = rcx; with REX.W to 64-bit code at SYSENTER_CS + 32, else to
     * 32-bit code at SYSENTER_CS + 16 (SDM Vol. 2B, SYSEXIT).
     */
    private static Outcome sysexit(DecodedInstruction insn, Machine m) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        if (longMode(m) && cpu.cpuid().isAmd()) {
            throw GuestFault.ud("sysexit in long mode on an AMD CPU");
        }
        requireCpl0(m, "sysexit");
        int base = (int) cpu.msrs().sysenterCs() & 0xfffc;
        if (base == 0) {
            throw GuestFault.gp("sysexit with SYSENTER_CS = 0");
        }
        RegisterFile r = m.regs();
        boolean to64 = insn.operandWidth() == 64;
        long rip = r.gpr(RegisterFile.GPR_RDX);
        long rsp = r.gpr(RegisterFile.GPR_RCX);
        if (to64) {
            if (!Canonical.isCanonical(rip) || !Canonical.isCanonical(rsp)) {
                throw GuestFault.gp(String.format("sysexit to non-canonical rdx 0x%x or rcx 0x%x", rip, rsp));
            }
        } else {
            rip &= 0xffff_ffffL;
            rsp &= 0xffff_ffffL;
        }
        cpu.enterCode((base + (to64 ? 32 : 16)) | 3, to64 ? 64 : 32, 3);
        cpu.setSelector(Register.SS, (base + (to64 ? 40 : 24)) | 3);
        r.setRip(rip);
        r.setRsp(rsp);
        return Outcome.JUMP;
    }
}
