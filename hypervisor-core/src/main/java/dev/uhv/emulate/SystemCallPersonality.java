package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.decoder.DecodedInstruction;

/**
 * A system-call ABI that uhv serves itself instead of entering the guest's own kernel (--personality):
 * it gets every `syscall`, `sysenter` and `int 0x80`.
 */
public interface SystemCallPersonality {

    /** Serves the call insn makes; ADVANCE continues after it. */
    Outcome serve(DecodedInstruction insn, Machine m) throws GuestFault;
}
