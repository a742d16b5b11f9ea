package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;

import java.util.Set;

/**
 * One instruction family. Sees only the decoded instruction and the machine (virtual CPU, guest
 * memory, buses); never moves rip (the run loop does, on {@link Outcome#ADVANCE}) and never touches
 * the child process.
 */
public interface Emulator {

    InstructionFamily family();

    /** The mnemonics this family emulates. */
    Set<Mnemonic> mnemonics();

    /** Whether this family takes insn (default: all of its mnemonics). MOV is shared by CR, DR and segment loads. */
    default boolean accepts(DecodedInstruction insn) {
        return true;
    }

    /**
     * Whether insn needs CPL0 (control, debug and model-specific registers, hlt, lgdt...): at a higher
     * CPL the trap handler raises #GP(0) without calling {@link #emulate}. Families with other rules
     * (IOPL for I/O and cli/sti, CR4.TSD for rdtsc, CR4.UMIP for the table stores, #UD before #GP for
     * sysret, descriptor checks for segment loads and far transfers) answer false and check in emulate.
     */
    default boolean privileged(DecodedInstruction insn) {
        return false;
    }

    /**
     * Applies insn's effect. Throws GuestFault for what the SDM says the instruction raises.
     */
    Outcome emulate(DecodedInstruction insn, Machine machine) throws GuestFault;
}
