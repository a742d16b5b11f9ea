package dev.uhv.emulate;

import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;

/** Questions emulators ask of operand lists. */
final class Operands {
    private Operands() {
    }

    /** The index of the first register operand of that kind (CONTROL, DEBUG...), or -1. */
    static int indexOfKind(DecodedInstruction insn, Register.Kind kind) {
        for (int i = 0; i < insn.operands().size(); i++) {
            if (insn.operand(i) instanceof Operand.Reg r && r.register().kind() == kind) {
                return i;
            }
        }
        return -1;
    }
}
