package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.SegmentDescriptor;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;

/**
 * Loads of DS, ES, FS, GS and SS with the guest's own selectors: MOV to a segment register, POP of
 * one, and LDS, LES, LFS, LGS, LSS (SDM Vol. 2B, MOV, POP; Vol. 2A, LDS/LES/LFS/LGS/LSS), checked
 * against the guest's GDT or LDT. The guest's selector is recorded on the virtual CPU; the child keeps
 * running on the host's flat user segments, which is what 64-bit code sees anyway (SDM Vol. 3A,
 * 3.4.4: DS, ES and SS bases are ignored there). FS and GS bases take real effect through the MSR file.
 */
public final class SegmentLoadEmulator implements Emulator {
    private static final Logger log = LoggerFactory.getLogger(SegmentLoadEmulator.class);
    private static final long FLAT_LIMIT = 0xffff_ffffL;

    private boolean nonFlatReported;

    @Override
    public InstructionFamily family() {
        return InstructionFamily.SEGMENT;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.MOV, Mnemonic.POP, Mnemonic.LDS, Mnemonic.LES, Mnemonic.LSS, Mnemonic.LFS,
                Mnemonic.LGS);
    }

    /** MOV and POP only with a segment register destination; moves to CRs and DRs are other families'. */
    @Override
    public boolean accepts(DecodedInstruction insn) {
        if (insn.mnemonic() != Mnemonic.MOV && insn.mnemonic() != Mnemonic.POP) {
            return true;
        }
        return !insn.operands().isEmpty() && insn.operand(0) instanceof Operand.Reg r
                && r.register().kind() == Register.Kind.SEGMENT;
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        switch (insn.mnemonic()) {
            case MOV -> {
                Register segment = ((Operand.Reg) insn.operand(0)).register();
                if (segment == Register.CS) {
                    throw GuestFault.ud("mov to cs: CS changes only through far transfers"); // SDM Vol. 2B, MOV
                }
                load(m, segment, (int) m.readOperand(insn, 1) & 0xffff, "mov " + name(segment));
            }
            case POP -> {
                Register segment = ((Operand.Reg) insn.operand(0)).register();
                // The selector is the low 16 bits of an operand-size pop (SDM Vol. 2B, POP).
                GuestStack stack = GuestStack.current(m);
                int selector = (int) stack.pop(insn.operandWidth() / 8) & 0xffff;
                load(m, segment, selector, "pop " + name(segment));
                m.regs().setRsp(stack.rsp());
            }
            default -> loadFarPointer(insn, m);
        }
        return Outcome.ADVANCE;
    }

    /** LDS..LSS r, m16:16/32/64: the offset (operand size) then the selector (SDM Vol. 2A, LDS/LES/LFS/LGS/LSS). */
    private void loadFarPointer(DecodedInstruction insn, Machine m) throws GuestFault {
        Register segment = switch (insn.mnemonic()) {
            case LDS -> Register.DS;
            case LES -> Register.ES;
            case LSS -> Register.SS;
            case LFS -> Register.FS;
            default -> Register.GS;
        };
        int offsetBytes = insn.operandWidth() / 8;
        long address = m.effectiveAddress((Operand.Mem) insn.operand(1), insn.length(), insn.addressWidth());
        long offset = m.read(address, offsetBytes);
        int selector = (int) m.read(address + offsetBytes, 2);
        load(m, segment, selector, insn.mnemonicText());
        m.regs().set(((Operand.Reg) insn.operand(0)).register(), offset);
    }

    /** Checks selector for segment at the current CPL and, when it passes, loads it. */
    private void load(Machine m, Register segment, int loaded, String what) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        int selector = GuestDescriptors.resolveHostAlias(m, loaded);
        boolean longMode = cpu.codeBits() == 64;
        SegmentDescriptor d = segment == Register.SS
                ? SegmentChecks.stackSegment(m, selector, cpu.cpl(), longMode, what)
                : SegmentChecks.dataSegment(m, selector, cpu.cpl(), what);
        cpu.setSelector(segment, selector);
        if (segment == Register.FS || segment == Register.GS) {
            setBase(cpu.msrs(), segment, d == null ? 0 : d.base());
        } else if (d != null && !longMode && (d.base() != 0 || d.limit() != FLAT_LIMIT) && !nonFlatReported) {
            nonFlatReported = true;
            log.warn("{} 0x{}: base 0x{} limit 0x{}; the guest's 32-bit code still runs on flat segments", what,
                    Integer.toHexString(selector), Long.toHexString(d.base()), Long.toHexString(d.limit()));
        }
    }

    /**
     * A selector load gives FS and GS the descriptor's 32-bit base, zero-extended (SDM Vol. 3A, 3.4.4).
     * A null selector clears the base, as Intel CPUs do and AMD ones that enumerate NullSelectorClearsBase
     * (CPUID 0x8000_0021 EAX[6]); older AMD CPUs keep it. Neither manual spells it out: Linux measures it
     * (arch/x86/kernel/cpu/common.c, detect_null_seg_behavior).
     */
    private static void setBase(MsrFile msrs, Register segment, long base) {
        if (segment == Register.FS) {
            msrs.setFsBase(base);
        } else {
            msrs.setGsBase(base);
        }
    }

    private static String name(Register segment) {
        return segment.name().toLowerCase(Locale.ROOT);
    }
}
