package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Rflags;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;

import java.util.Set;

/**
 * Software interrupts: `int n` (which faults at host CPL3 for every n the host's IDT keeps at DPL0,
 * and is a system-call stop for 0x80) and `into`, delivered through the guest's IDT with the gate's
 * DPL check (SDM Vol. 2A, INT n/INTO/INT3/INT1). With a {@link SystemCallPersonality}, `int 0x80` is
 * its system call instead. int3 and int1 arrive as SIGTRAP and are raised by the trap handler.
 */
public final class InterruptEmulator implements Emulator {
    private static final int SYSTEM_CALL_VECTOR = 0x80;

    private final SystemCallPersonality personality;

    public InterruptEmulator(SystemCallPersonality personality) {
        this.personality = personality;
    }

    @Override
    public InstructionFamily family() {
        return InstructionFamily.INTERRUPT;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.INT, Mnemonic.INTO);
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        long rip = m.regs().rip();
        long next = rip + insn.length();
        if (insn.mnemonic() == Mnemonic.INTO) {
            if (m.cpu().codeBits() == 64) {
                throw GuestFault.ud("into in 64-bit mode");
            }
            if ((m.regs().rflags() & Rflags.OF) == 0) {
                return Outcome.ADVANCE;
            }
            return InterruptDelivery.raise(m, GuestEvent.software(GuestFault.OF, rip, next, "into with OF set"));
        }
        int vector = (int) ((Operand.Imm) insn.operand(0)).value() & 0xff;
        if (vector == SYSTEM_CALL_VECTOR && personality != null) {
            return personality.serve(insn, m);
        }
        return InterruptDelivery.raise(m, GuestEvent.software(vector, rip, next, String.format("int 0x%x", vector)));
    }
}
