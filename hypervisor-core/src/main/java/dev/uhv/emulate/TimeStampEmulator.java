package dev.uhv.emulate;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;

import java.util.Set;

/**
 * RDTSC and RDTSCP, which fault in the child (PR_SET_TSC) so that they see the same offset TSC as
 * rdmsr IA32_TSC: a guest that writes the TSC then reads it back with rdtsc sees its own value.
 * RDTSCP also returns IA32_TSC_AUX in ecx (SDM Vol. 2B, RDTSCP).
 */
public final class TimeStampEmulator implements Emulator {

    @Override
    public InstructionFamily family() {
        return InstructionFamily.TIME_STAMP;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.RDTSC, Mnemonic.RDTSCP);
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        if (m.cpu().cpl() > 0 && (m.cpu().cr().cr4() & ControlRegisters.CR4_TSD) != 0) {
            throw GuestFault.gp(insn.mnemonicText() + " at CPL" + m.cpu().cpl() + " with CR4.TSD set");
        }
        RegisterFile r = m.regs();
        MsrFile msrs = m.cpu().msrs();
        r.setEdxEax(msrs.guestTsc());
        if (insn.mnemonic() == Mnemonic.RDTSCP) {
            r.setGpr(RegisterFile.GPR_RCX, msrs.tscAux());
        }
        return Outcome.ADVANCE;
    }
}
