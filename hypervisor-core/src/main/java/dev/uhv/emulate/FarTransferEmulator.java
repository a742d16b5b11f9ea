package dev.uhv.emulate;

import dev.uhv.cpu.Canonical;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.SegmentDescriptor;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Far JMP and CALL to code segments, far RET and IRET, in protected and IA-32e mode (SDM Vol. 2A,
 * CALL, IRET, JMP; Vol. 2B, RET). The new CS goes through {@link VirtualCpu#enterCode}, which also
 * moves the child to the host code segment of the target's bitness. Everything the instruction reads
 * is read and checked before anything changes, so a fault leaves the guest's registers as they were.
 *
 * <p>Not emulated: call gates and task gates or TSSs as jmp/call targets (#GP(selector), as if
 * the gate were refused), an IRET task return (NT = 1) and a return to virtual-8086 mode outside
 * IA-32e mode (the run ends as an unhandled instruction).
 */
public final class FarTransferEmulator implements Emulator {
    /** RFLAGS bits every IRET loads from the image (SDM Vol. 2A, IRET): CF, PF, AF, ZF, SF, TF, DF, OF, NT. */
    private static final long IRET_ALWAYS = 0x8d5L | Rflags.TF | Rflags.DF | Rflags.NT;
    private static final long VIF = 1L << 19, VIP = 1L << 20;
    private static final int TYPE_CALL_GATE_16 = 0x4, TYPE_TASK_GATE = 0x5, TYPE_CALL_GATE = 0xc;
    private static final int TYPE_TSS_16 = 0x1, TYPE_TSS_16_BUSY = 0x3, TYPE_TSS = 0x9, TYPE_TSS_BUSY = 0xb;

    @Override
    public InstructionFamily family() {
        return InstructionFamily.FAR_TRANSFER;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.JMP, Mnemonic.CALL, Mnemonic.RET, Mnemonic.IRET, Mnemonic.IRETD, Mnemonic.IRETQ);
    }

    /** JMP, CALL and RET only in their far forms; near ones never trap. */
    @Override
    public boolean accepts(DecodedInstruction insn) {
        return switch (insn.mnemonic()) {
            case JMP, CALL, RET -> insn.isFarBranch();
            default -> true;
        };
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        switch (insn.mnemonic()) {
            case JMP, CALL -> jumpOrCall(insn, m);
            case RET -> farReturn(insn, m);
            default -> {
                return iret(insn, m);
            }
        }
        return Outcome.JUMP;
    }

    /**
     * JMP/CALL ptr16:16/32 or m16:16/32/64 to a code segment at the same privilege level (SDM Vol. 2A,
     * JMP and CALL, CONFORMING-CODE-SEGMENT and NONCONFORMING-CODE-SEGMENT). CS.RPL becomes the CPL.
     */
    private static void jumpOrCall(DecodedInstruction insn, Machine m) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        boolean call = insn.mnemonic() == Mnemonic.CALL;
        String what = call ? "far call" : "far jmp";
        int bytes = insn.operandWidth() / 8;
        int selector;
        long offset;
        if (insn.operand(0) instanceof Operand.Ptr ptr) {
            selector = ptr.segment();
            offset = ptr.offset();
        } else {
            long address = m.effectiveAddress((Operand.Mem) insn.operand(0), insn.length(), insn.addressWidth());
            offset = m.read(address, bytes);
            selector = (int) m.read(address + bytes, 2);
        }
        selector = GuestDescriptors.resolveHostAlias(m, selector);
        SegmentDescriptor code = targetCodeSegment(m, selector, what);
        int bits = targetBits(cpu, code);
        if (bits != 64) {
            offset &= 0xffff_ffffL; // a compatibility-mode target takes the low 32 bits (SDM Vol. 2A, CALL)
        }
        checkRip(offset, code, bits, what);
        GuestStack stack = GuestStack.current(m);
        if (call) {
            // CS first, padded to the operand size, then the return address (SDM Vol. 2A, CALL).
            stack.push(bytes, cpu.selector(Register.CS));
            stack.push(bytes, m.regs().rip() + insn.length());
        }
        cpu.enterCode((selector & 0xfffc) | cpu.cpl(), bits, cpu.cpl());
        m.regs().setRip(offset);
        if (call) {
            m.regs().setRsp(stack.rsp());
        }
    }

    /** The code segment a far jmp or call names: no gates, no privilege change. */
    private static SegmentDescriptor targetCodeSegment(Machine m, int selector, String what) throws GuestFault {
        if (SegmentChecks.isNull(selector)) {
            throw GuestFault.gp(String.format("%s to the null selector 0x%x", what, selector));
        }
        SegmentDescriptor d = GuestDescriptors.read(m, selector, 0);
        long errorCode = selector & 0xfffc;
        int cpl = m.cpu().cpl();
        if (d.isSystem()) {
            throw GuestFault.gp(errorCode, String.format("%s 0x%x: %s", what, selector, switch (d.type()) {
                case TYPE_CALL_GATE, TYPE_CALL_GATE_16 -> "a call gate; uhv does not emulate call gates";
                case TYPE_TASK_GATE, TYPE_TSS_16, TYPE_TSS_16_BUSY, TYPE_TSS, TYPE_TSS_BUSY ->
                        "a task gate or TSS; uhv does not emulate call gates or task switches";
                default -> SegmentChecks.describe(d) + ", not a code segment or call gate";
            }));
        }
        if (!d.isCode()) {
            throw GuestFault.gp(errorCode, String.format("%s 0x%x: %s, not a code segment", what, selector,
                    SegmentChecks.describe(d)));
        }
        if (d.isReservedLongCode() && longModeActive(m.cpu())) {
            throw GuestFault.gp(errorCode, String.format("%s 0x%x: code segment with both L and D set", what,
                    selector));
        }
        int rpl = selector & 3;
        // Conforming code runs at the caller's CPL; non-conforming code only at its own DPL.
        if (d.isConforming() ? d.dpl() > cpl : rpl > cpl || d.dpl() != cpl) {
            throw GuestFault.gp(errorCode, String.format("%s 0x%x: %s with RPL%d from CPL%d (call gates, which change "
                    + "privilege, are not emulated)", what, selector, SegmentChecks.describe(d), rpl, cpl));
        }
        if (!d.present()) {
            throw GuestFault.np(errorCode, String.format("%s 0x%x: code segment not present", what, selector));
        }
        return d;
    }

    /**
     * RET far [imm16]: pops rip and CS; to an outer level also RSP and SS, after releasing imm16 bytes
     * of parameters, and releases them again from the new stack (SDM Vol. 2B, RET).
     */
    private static void farReturn(DecodedInstruction insn, Machine m) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        int cpl = cpu.cpl();
        int bytes = insn.operandWidth() / 8;
        long release = insn.operands().isEmpty() ? 0 : ((Operand.Imm) insn.operand(0)).value() & 0xffff;
        GuestStack stack = GuestStack.current(m);
        long rip = stack.pop(bytes);
        int selector = GuestDescriptors.resolveHostAlias(m, (int) stack.pop(bytes) & 0xffff);
        SegmentDescriptor code = returnCodeSegment(m, selector, "far ret");
        int newCpl = selector & 3;
        int bits = targetBits(cpu, code);
        stack.release(release);
        OuterStack outer = newCpl > cpl ? popOuterStack(m, stack, bytes, newCpl, bits, "far ret") : null;
        checkRip(rip, code, bits, "far ret");
        List<Register> invalid = newCpl > cpl ? invalidDataSegments(m, newCpl) : List.of();

        cpu.enterCode(selector, bits, newCpl);
        m.regs().setRsp(outer == null ? stack.rsp() : GuestStack.mask(bits == 64, outer.rsp() + release));
        if (outer != null) {
            cpu.setSelector(Register.SS, outer.selector());
        }
        nullSegments(cpu, invalid);
        m.regs().setRip(rip);
    }

    /**
     * IRET, IRETD, IRETQ (SDM Vol. 2A, IRET, IA-32e-MODE and PROTECTED-MODE-RETURN): pops rip, CS and
     * RFLAGS; then RSP and SS on a return to an outer level, and always from 64-bit mode.
     */
    private static Outcome iret(DecodedInstruction insn, Machine m) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        String what = insn.mnemonicText();
        int cpl = cpu.cpl();
        long flags = cpu.guestRflags();
        boolean ia32e = longModeActive(cpu);
        if ((flags & Rflags.NT) != 0) {
            if (ia32e) {
                throw GuestFault.gp(what + " with RFLAGS.NT set: no task returns in IA-32e mode");
            }
            return Outcome.stop(ExitReason.UNHANDLED_INSTRUCTION, what + " with RFLAGS.NT set: a task return, which "
                    + "uhv does not emulate");
        }
        int bytes = insn.operandWidth() / 8;
        GuestStack stack = GuestStack.current(m);
        long rip = stack.pop(bytes);
        int selector = GuestDescriptors.resolveHostAlias(m, (int) stack.pop(bytes) & 0xffff);
        long image = stack.pop(bytes);
        if (!ia32e && cpl == 0 && (image & Rflags.VM) != 0) {
            return Outcome.stop(ExitReason.UNHANDLED_INSTRUCTION, what + " to virtual-8086 mode, which uhv does not "
                    + "emulate");
        }
        SegmentDescriptor code = returnCodeSegment(m, selector, what);
        int newCpl = selector & 3;
        int bits = targetBits(cpu, code);
        OuterStack newStack = newCpl > cpl || cpu.codeBits() == 64
                ? popOuterStack(m, stack, bytes, newCpl, bits, what) : null;
        checkRip(rip, code, bits, what);
        List<Register> invalid = newCpl > cpl ? invalidDataSegments(m, newCpl) : List.of();

        long newFlags = iretFlags(flags, image, cpl, cpu.iopl(), bytes);
        cpu.enterCode(selector, bits, newCpl);
        if (newStack != null) {
            cpu.setSelector(Register.SS, newStack.selector());
            m.regs().setRsp(GuestStack.mask(bits == 64, newStack.rsp()));
        } else {
            m.regs().setRsp(stack.rsp());
        }
        cpu.setGuestRflags(newFlags);
        nullSegments(cpu, invalid);
        m.regs().setRip(rip);
        return Outcome.JUMP;
    }

    /**
     * RFLAGS after IRET (SDM Vol. 2A, IRET, RETURN-TO-SAME/OUTER-PRIVILEGE-LEVEL), by the CPL and IOPL
     * before it: the arithmetic flags, TF, DF and NT always; RF, AC and ID with a 32- or 64-bit image;
     * IF only when CPL <= IOPL; IOPL (and VIF, VIP) only at CPL0. VM is never loaded in IA-32e mode.
     */
    static long iretFlags(long current, long image, int cpl, int iopl, int bytes) {
        long loaded = IRET_ALWAYS;
        if (bytes >= 4) {
            loaded |= Rflags.RF | Rflags.AC | Rflags.ID;
        }
        if (cpl <= iopl) {
            loaded |= Rflags.IF;
        }
        if (cpl == 0) {
            loaded |= Rflags.IOPL | (bytes >= 4 ? VIF | VIP : 0);
        }
        return (current & ~loaded) | (image & loaded) | Rflags.FIXED_1;
    }

    /** The code segment a far ret or iret returns to (SDM Vol. 2B, RET; Vol. 2A, IRET): never inward. */
    private static SegmentDescriptor returnCodeSegment(Machine m, int selector, String what) throws GuestFault {
        if (SegmentChecks.isNull(selector)) {
            throw GuestFault.gp(String.format("%s to the null code selector 0x%x", what, selector));
        }
        SegmentDescriptor d = GuestDescriptors.read(m, selector, 0);
        long errorCode = selector & 0xfffc;
        int cpl = m.cpu().cpl();
        int rpl = selector & 3;
        if (!d.isCode()) {
            throw GuestFault.gp(errorCode, String.format("%s to 0x%x: %s, not a code segment", what, selector,
                    SegmentChecks.describe(d)));
        }
        if (rpl < cpl) {
            throw GuestFault.gp(errorCode, String.format("%s to 0x%x: RPL%d is inner to CPL%d", what, selector, rpl,
                    cpl));
        }
        if (d.isConforming() ? d.dpl() > rpl : d.dpl() != rpl) {
            throw GuestFault.gp(errorCode, String.format("%s to 0x%x: %s does not match RPL%d", what, selector,
                    SegmentChecks.describe(d), rpl));
        }
        if (!d.present()) {
            throw GuestFault.np(errorCode, String.format("%s to 0x%x: code segment not present", what, selector));
        }
        return d;
    }

    /** The SS:RSP a return pops, checked for the level it returns to. */
    private static OuterStack popOuterStack(Machine m, GuestStack stack, int bytes, int newCpl, int bits, String what)
            throws GuestFault {
        long rsp = stack.pop(bytes);
        int selector = GuestDescriptors.resolveHostAlias(m, (int) stack.pop(bytes) & 0xffff);
        SegmentChecks.stackSegment(m, selector, newCpl, bits == 64, what);
        return new OuterStack(selector, rsp);
    }

    private record OuterStack(int selector, long rsp) {
    }

    /**
     * The data segment registers a return to newCpl must null: those holding data or non-conforming
     * code of a more privileged DPL (SDM Vol. 2A, IRET; Vol. 2B, RET). uhv keeps no descriptor cache,
     * so it reads the descriptors again; one that cannot be read could not be loaded now either.
     */
    private static List<Register> invalidDataSegments(Machine m, int newCpl) {
        List<Register> invalid = new ArrayList<>();
        for (Register segment : List.of(Register.ES, Register.DS, Register.FS, Register.GS)) {
            int selector = m.cpu().selector(segment);
            if (SegmentChecks.isNull(selector)) {
                continue;
            }
            try {
                SegmentDescriptor d = GuestDescriptors.read(m, selector, 0);
                if ((d.isData() || (d.isCode() && !d.isConforming())) && d.dpl() < newCpl) {
                    invalid.add(segment);
                }
            } catch (GuestFault unreadable) {
                invalid.add(segment);
            }
        }
        return invalid;
    }

    /** Only the selectors: an FS or GS base stays as it was. */
    private static void nullSegments(VirtualCpu cpu, List<Register> segments) {
        for (Register segment : segments) {
            cpu.setSelector(segment, 0);
        }
    }

    /** The bitness of code in segment d: L counts in IA-32e mode only. */
    private static int targetBits(VirtualCpu cpu, SegmentDescriptor d) {
        int bits = d.codeBits();
        return bits == 64 && !longModeActive(cpu) ? 16 : bits;
    }

    private static boolean longModeActive(VirtualCpu cpu) {
        return cpu.msrs().longModeActive();
    }

    /** 64-bit code: a canonical rip; other code: within the segment's limit. Else #GP(0). */
    private static void checkRip(long rip, SegmentDescriptor code, int bits, String what) throws GuestFault {
        if (bits == 64 ? !Canonical.isCanonical(rip) : rip > code.limit()) {
            throw GuestFault.gp(String.format("%s to 0x%x: %s", what, rip, bits == 64 ? "not canonical"
                    : String.format("beyond the code segment limit 0x%x", code.limit())));
        }
    }
}
