package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Msr;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * RDMSR and WRMSR: ecx selects the MSR, edx:eax is the value (SDM Vol. 2B). An MSR the file does not
 * model is #GP, unless --ignore-msrs: then it reads 0 and writes are dropped, each MSR logged once.
 */
public final class MsrEmulator implements Emulator {
    private static final Logger log = LoggerFactory.getLogger(MsrEmulator.class);

    private final Set<Integer> ignoredReported = new HashSet<>();
    private boolean tscWarned;

    @Override
    public InstructionFamily family() {
        return InstructionFamily.MSR;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.RDMSR, Mnemonic.WRMSR);
    }

    @Override
    public boolean privileged(DecodedInstruction insn) {
        return true;
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        RegisterFile r = m.regs();
        MsrFile msrs = m.cpu().msrs();
        int index = (int) r.ecx();
        boolean read = insn.mnemonic() == Mnemonic.RDMSR;
        if (m.ignoreMsrs() && !MsrFile.isModelled(index)) {
            if (ignoredReported.add(index)) {
                log.warn("ignoring {} of unmodelled MSR 0x{} (--ignore-msrs)", read ? "rdmsr" : "wrmsr",
                        Integer.toHexString(index));
            }
            if (read) {
                r.setEdxEax(0);
            }
            m.accessLog().msr(index, !read, read ? 0 : r.edxEax(), true);
            return Outcome.ADVANCE;
        }
        if (read) {
            long value = msrs.read(index);
            r.setEdxEax(value);
            m.accessLog().msr(index, false, value, false);
        } else {
            long value = r.edxEax();
            msrs.write(index, value);
            m.accessLog().msr(index, true, value, false);
            if (index == Msr.TSC.index() && !m.rdtscTrapped() && !tscWarned) {
                tscWarned = true;
                log.warn("guest wrote IA32_TSC; rdmsr sees the new value but rdtsc still reads the host TSC "
                        + "(--rdtsc trap makes rdtsc follow it)");
            }
        }
        return Outcome.ADVANCE;
    }
}
