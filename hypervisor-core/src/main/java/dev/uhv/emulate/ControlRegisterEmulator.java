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
        switch (insn.mnemonic()) {
            case CLTS -> cr.writeCr0(cr.cr0() & ~ControlRegisters.CR0_TS);
            case MOV -> {
                if (moveControlRegister(insn, m, cr)) {
                    return IdentityMapping.check(m);
                }
            }
            // LMSW loads CR0[3:0] but can set, never clear, PE (SDM Vol. 2A, LMSW).
            case LMSW -> {
                long msw = m.readOperand(insn, 0) & 0xf;
                long pe = cr.cr0() & ControlRegisters.CR0_PE;
                cr.writeCr0((cr.cr0() & ~0xfL) | msw | pe);
            }
            default -> throw new IllegalStateException("not a control register instruction: " + insn.mnemonicText());
        }
        return Outcome.ADVANCE;
    }

    /** Returns whether the move wrote CR0, CR3 or CR4, which decide the guest's mappings. */
    private static boolean moveControlRegister(DecodedInstruction insn, Machine m, ControlRegisters cr)
            throws GuestFault {
        int crOperand = Operands.indexOfKind(insn, Register.Kind.CONTROL);
        Register crReg = ((Operand.Reg) insn.operand(crOperand)).register();
        Register gpr = ((Operand.Reg) insn.operand(1 - crOperand)).register();
        if (crOperand == 1) {
            m.regs().set(gpr, read(cr, crReg));
            return false;
        }
        long value = m.regs().get(gpr);
        switch (crReg.index()) {
            case 0 -> m.cpu().writeCr0(value);
            case 2 -> cr.writeCr2(value);
            case 3 -> cr.writeCr3(value);
            case 4 -> m.cpu().writeCr4(value);
            case 8 -> cr.writeCr8(value);
            default -> throw GuestFault.ud("mov to cr" + crReg.index() + ", which does not exist");
        }
        return crReg.index() != 2 && crReg.index() != 8;
    }

    private static long read(ControlRegisters cr, Register reg) throws GuestFault {
        return switch (reg.index()) {
            case 0 -> cr.cr0();
            case 2 -> cr.cr2();
            case 3 -> cr.cr3();
            case 4 -> cr.cr4();
            case 8 -> cr.cr8();
            default -> throw GuestFault.ud("mov from cr" + reg.index() + ", which does not exist");
        };
    }
}
