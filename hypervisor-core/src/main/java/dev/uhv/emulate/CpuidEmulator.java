package dev.uhv.emulate;

import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;

import java.util.Set;

/**
 * CPUID from the virtual CPU's model: eax = leaf, ecx = subleaf; the four results zero-extend into
 * rax, rbx, rcx, rdx (SDM Vol. 2A, CPUID). Only reached where the host can make cpuid fault.
 */
public final class CpuidEmulator implements Emulator {

    @Override
    public InstructionFamily family() {
        return InstructionFamily.CPUID;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.CPUID);
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        RegisterFile r = m.regs();
        int leaf = (int) r.gpr(RegisterFile.GPR_RAX);
        int subleaf = (int) r.gpr(RegisterFile.GPR_RCX);
        CpuidResult res = m.cpu().cpuid().query(leaf, subleaf, m.cpu().cr().cr4(), m.cpu().msrs().apicBase());
        r.setGpr(RegisterFile.GPR_RAX, res.eax() & 0xffff_ffffL);
        r.setGpr(RegisterFile.GPR_RBX, res.ebx() & 0xffff_ffffL);
        r.setGpr(RegisterFile.GPR_RCX, res.ecx() & 0xffff_ffffL);
        r.setGpr(RegisterFile.GPR_RDX, res.edx() & 0xffff_ffffL);
        m.accessLog().cpuid(leaf, subleaf, res.eax(), res.ebx(), res.ecx(), res.edx());
        return Outcome.ADVANCE;
    }
}
