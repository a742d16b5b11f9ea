package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;

import java.util.Set;

/** MOV to and from DR0-DR7: recorded in the virtual CPU; the host arms no breakpoint. */
public final class DebugRegisterEmulator implements Emulator {

    @Override
    public InstructionFamily family() {
        return InstructionFamily.DEBUG_REGISTER;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.MOV);
    }

    @Override
    public boolean accepts(DecodedInstruction insn) {
        return Operands.indexOfKind(insn, Register.Kind.DEBUG) >= 0;
    }

    @Override
    public boolean privileged(DecodedInstruction insn) {
        return true;
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        int drOperand = Operands.indexOfKind(insn, Register.Kind.DEBUG);
        int n = ((Operand.Reg) insn.operand(drOperand)).register().index();
        Register gpr = ((Operand.Reg) insn.operand(1 - drOperand)).register();
        long cr4 = m.cpu().cr().cr4();
        if (drOperand == 1) {
            long value = m.cpu().dr().read(n, cr4);
            m.regs().set(gpr, value);
            m.accessLog().debugRegister(n, false, value, value);
        } else {
            long old = m.cpu().dr().read(n, cr4);
            m.cpu().dr().write(n, m.regs().get(gpr), cr4);
            m.accessLog().debugRegister(n, true, old, m.cpu().dr().read(n, cr4));
        }
        return Outcome.ADVANCE;
    }
}
