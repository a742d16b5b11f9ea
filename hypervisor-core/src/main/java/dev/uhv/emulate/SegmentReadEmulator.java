package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;

import java.util.Locale;
import java.util.Set;

/**
 * Reads of a segment register: `mov r/m, Sreg` (8C /r) and PUSH of one (push fs/gs, 0F A0/0F A8; in
 * 32-bit code also push cs/ss/ds/es), giving the guest's own selector as the virtual CPU records it,
 * not the host's flat selector the child really runs on. Neither faults at CPL3, so they reach uhv
 * once a code scanner has made them trap. Not privileged, and nothing to check: a read of a segment
 * register never faults but for the store.
 */
public final class SegmentReadEmulator implements Emulator {

    @Override
    public InstructionFamily family() {
        return InstructionFamily.SEGMENT;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.MOV, Mnemonic.PUSH);
    }

    /**
     * MOV only with a segment register source (moves to a segment register are SegmentLoadEmulator's,
     * moves with CRs and DRs theirs, plain moves nobody's or MMIO's); PUSH only of a segment register.
     */
    @Override
    public boolean accepts(DecodedInstruction insn) {
        int source = insn.mnemonic() == Mnemonic.MOV ? 1 : 0;
        return insn.operands().size() == source + 1 && insn.operand(source) instanceof Operand.Reg r
                && r.register().kind() == Register.Kind.SEGMENT;
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        if (insn.mnemonic() == Mnemonic.MOV) {
            int selector = m.cpu().selector(((Operand.Reg) insn.operand(1)).register());
            // SDM Vol. 2B, MOV: to memory a 16-bit store whatever the operand size; to a 32-bit register
            // the selector zero-extended (all processors since the Pentium Pro), to a 64-bit one (REX.W)
            // zero-extended too, to a 16-bit one (66h) only bits 15:0 change. Machine.writeOperand does
            // all of that: the memory operand is 16 bits wide, and RegisterFile.set follows the
            // sub-register rules (a 32-bit write clears bits 63:32, a 16-bit one keeps them).
            m.writeOperand(insn, 0, selector);
        } else {
            push(insn, m);
        }
        return Outcome.ADVANCE;
    }

    /**
     * PUSH Sreg (SDM Vol. 2B, PUSH): a slot of the operand size (2, 4 or 8 bytes). With a 32-bit
     * operand size the SDM lets a processor either push the selector zero-extended or write only its
     * 16 bits and leave the rest of the slot as it was (as recent Intel Core processors do); uhv writes
     * the whole slot zero-extended, the other choice the SDM allows and what its pseudocode's
     * ZeroExtend gives for a 64-bit push, so a guest never sees stale stack bytes above the selector.
     */
    private static void push(DecodedInstruction insn, Machine m) throws GuestFault {
        Register segment = ((Operand.Reg) insn.operand(0)).register();
        if (m.cpu().codeBits() == 64 && segment != Register.FS && segment != Register.GS) {
            // 06, 0E, 16 and 1E are invalid in 64-bit mode (the decoder never gives them there)
            throw GuestFault.ud("push " + segment.name().toLowerCase(Locale.ROOT) + " in 64-bit mode");
        }
        GuestStack stack = GuestStack.current(m);
        stack.push(insn.operandWidth() / 8, m.cpu().selector(segment));
        m.regs().setRsp(stack.rsp());
    }
}
