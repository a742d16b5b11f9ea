package dev.uhv.emulate;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.GuestFault;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;

import java.util.Set;

/**
 * MOV to and from CR0, CR2, CR3, CR4, CR8, plus CLTS and LMSW. In 64-bit mode the general register
 * operand is always 64 bits wide (SDM Vol. 2B, MOV - Move to/from Control Registers).
 */
public final class ControlRegisterEmulator implements Emulator {

    @Override
    public InstructionFamily family() {
        return InstructionFamily.CONTROL_REGISTER;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.MOV, Mnemonic.CLTS, Mnemonic.LMSW);
    }

    @Override
    public boolean accepts(DecodedInstruction insn) {
        return insn.mnemonic() != Mnemonic.MOV || Operands.indexOfKind(insn, Register.Kind.CONTROL) >= 0;
    }

    @Override
    public boolean privileged(DecodedInstruction insn) {
        return true;
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        ControlRegisters cr = m.cpu().cr();
        long old = cr.cr0();
        switch (insn.mnemonic()) {
            case CLTS -> cr.writeCr0(old & ~ControlRegisters.CR0_TS);
            case MOV -> {
                if (moveControlRegister(insn, m, cr)) {
                    return IdentityMapping.check(m);
                }
                return Outcome.ADVANCE;
            }
            // LMSW loads CR0[3:0] but can set, never clear, PE (SDM Vol. 2A, LMSW).
            case LMSW -> {
                long msw = m.readOperand(insn, 0) & 0xf;
                long pe = old & ControlRegisters.CR0_PE;
                cr.writeCr0((old & ~0xfL) | msw | pe);
            }
            default -> throw new IllegalStateException("not a control register instruction: " + insn.mnemonicText());
        }
        m.accessLog().controlRegister(0, true, old, cr.cr0());
        return Outcome.ADVANCE;
    }

    /** Returns whether the move wrote CR0, CR3 or CR4, which decide the guest's mappings. */
    private static boolean moveControlRegister(DecodedInstruction insn, Machine m, ControlRegisters cr)
            throws GuestFault {
        int crOperand = Operands.indexOfKind(insn, Register.Kind.CONTROL);
        Register crReg = ((Operand.Reg) insn.operand(crOperand)).register();
        Register gpr = ((Operand.Reg) insn.operand(1 - crOperand)).register();
        int n = crReg.index();
        boolean toCr = crOperand == 0;
        long old = read(cr, n, toCr ? "mov to" : "mov from");
        if (!toCr) {
            m.regs().set(gpr, old);
            m.accessLog().controlRegister(n, false, old, old);
            return false;
        }
        long value = m.regs().get(gpr);
        switch (n) {
            case 0 -> m.cpu().writeCr0(value);
            case 2 -> cr.writeCr2(value);
            case 3 -> cr.writeCr3(value);
            case 4 -> m.cpu().writeCr4(value);
            default -> cr.writeCr8(value);
        }
        m.accessLog().controlRegister(n, true, old, read(cr, n, "mov to"));
        return n != 2 && n != 8;
    }

    /** CRn; what: the instruction, for the #UD of a register that does not exist. */
    private static long read(ControlRegisters cr, int n, String what) throws GuestFault {
        return switch (n) {
            case 0 -> cr.cr0();
            case 2 -> cr.cr2();
            case 3 -> cr.cr3();
            case 4 -> cr.cr4();
            case 8 -> cr.cr8();
            default -> throw GuestFault.ud(what + " cr" + n + ", which does not exist");
        };
    }
}
