package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;

import java.util.Set;

/**
 * An ordinary instruction whose memory access faulted on a memory-mapped device: the trap handler
 * calls it for a native access to a page the MMIO bus claims (never through the emulator table:
 * these mnemonics run natively everywhere else). Every access goes through {@link Machine#read} and
 * {@link Machine#write}, so the device sees it, and the other side of a movs may be RAM.
 *
 * <p>Forms: mov (every size and direction, moffs and immediates), movzx, movsx, movsxd, xchg with a
 * register; add, adc, sub, sbb, and, or, xor, cmp and test with a register or an immediate, either
 * direction; inc, dec, not, neg; bt (no write); stos and movs with or without rep (SDM Vol. 2B REP,
 * MOVS, STOS), stepped as {@link StringRegisters} says. A read-modify-write is one device read then
 * one device write, as on the bus of a single CPU; a lock prefix changes nothing here. Anything else
 * {@link #accepts} refuses and the run ends naming it.
 */
public final class MmioAccessEmulator implements Emulator {

    @Override
    public InstructionFamily family() {
        return InstructionFamily.MMIO;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.MOV, Mnemonic.MOVZX, Mnemonic.MOVSX, Mnemonic.MOVSXD, Mnemonic.XCHG, Mnemonic.ADD,
                Mnemonic.ADC, Mnemonic.SUB, Mnemonic.SBB, Mnemonic.AND, Mnemonic.OR, Mnemonic.XOR, Mnemonic.CMP,
                Mnemonic.TEST, Mnemonic.INC, Mnemonic.DEC, Mnemonic.NOT, Mnemonic.NEG, Mnemonic.BT, Mnemonic.STOSB,
                Mnemonic.STOSW, Mnemonic.STOSD, Mnemonic.STOSQ, Mnemonic.MOVSB, Mnemonic.MOVSW, Mnemonic.MOVSD,
                Mnemonic.MOVSQ);
    }

    /** Whether insn is one of the forms above (SSE's movsd, say, shares a mnemonic but is not). */
    @Override
    public boolean accepts(DecodedInstruction insn) {
        int n = insn.operands().size();
        return switch (insn.mnemonic()) {
            case MOV, ADD, ADC, SUB, SBB, AND, OR, XOR, CMP, TEST -> memoryAndSource(insn, true);
            case XCHG -> memoryAndSource(insn, false);
            case BT -> n == 2 && insn.operand(0) instanceof Operand.Mem
                    && (isGpr(insn.operand(1)) || insn.operand(1) instanceof Operand.Imm);
            case MOVZX, MOVSX, MOVSXD -> n == 2 && isGpr(insn.operand(0)) && insn.operand(1) instanceof Operand.Mem;
            case INC, DEC, NOT, NEG -> n == 1 && insn.operand(0) instanceof Operand.Mem;
            case STOSB, STOSW, STOSD, STOSQ, MOVSB, MOVSW, MOVSD, MOVSQ -> n == 0;
            default -> false;
        };
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        switch (insn.mnemonic()) {
            case MOV, MOVZX -> m.writeOperand(insn, 0, m.readOperand(insn, 1));
            case MOVSX, MOVSXD -> m.writeOperand(insn, 0,
                    IntegerArithmetic.signExtend(m.readOperand(insn, 1), insn.operand(1).size()));
            case XCHG -> exchange(insn, m);
            case BT -> bitTest(insn, m);
            case STOSB -> {
                return store(insn, m, 1);
            }
            case STOSW -> {
                return store(insn, m, 2);
            }
            case STOSD -> {
                return store(insn, m, 4);
            }
            case STOSQ -> {
                return store(insn, m, 8);
            }
            case MOVSB -> {
                return move(insn, m, 1);
            }
            case MOVSW -> {
                return move(insn, m, 2);
            }
            case MOVSD -> {
                return move(insn, m, 4);
            }
            case MOVSQ -> {
                return move(insn, m, 8);
            }
            default -> arithmetic(insn, m);
        }
        return Outcome.ADVANCE;
    }

    /** Two operands: one in memory, the other a general register or (where allowed) an immediate source. */
    private static boolean memoryAndSource(DecodedInstruction insn, boolean immediate) {
        if (insn.operands().size() != 2) {
            return false;
        }
        Operand dest = insn.operand(0);
        Operand source = insn.operand(1);
        if (dest instanceof Operand.Mem) {
            return isGpr(source) || (immediate && source instanceof Operand.Imm);
        }
        return isGpr(dest) && source instanceof Operand.Mem;
    }

    private static boolean isGpr(Operand op) {
        return op instanceof Operand.Reg reg && reg.register().kind() == Register.Kind.GPR;
    }

    /**
     * The destination is stored before the flags change, so an access that faults leaves RFLAGS as
     * it was; cmp and test store nothing.
     */
    private static void arithmetic(DecodedInstruction insn, Machine m) throws GuestFault {
        Mnemonic op = insn.mnemonic();
        int bits = insn.operand(0).size();
        RegisterFile r = m.regs();
        long dest = m.readOperand(insn, 0);
        long source = insn.operands().size() > 1 ? m.readOperand(insn, 1) & IntegerArithmetic.mask(bits) : 0;
        long result = IntegerArithmetic.result(op, dest, source, bits, r.rflags() & Rflags.CF);
        if (op != Mnemonic.CMP && op != Mnemonic.TEST) {
            m.writeOperand(insn, 0, result);
        }
        r.setRflags(IntegerArithmetic.flags(op, dest, source, result, bits, r.rflags()));
    }

    /** xchg reg, mem in either order: the memory side is read, then written with the register's value. */
    private static void exchange(DecodedInstruction insn, Machine m) throws GuestFault {
        int memory = insn.operand(0) instanceof Operand.Mem ? 0 : 1;
        int register = 1 - memory;
        long old = m.readOperand(insn, memory);
        m.writeOperand(insn, memory, m.readOperand(insn, register));
        m.writeOperand(insn, register, old);
    }

    /**
     * bt mem, reg/imm: CF = the selected bit; ZF kept; OF, SF, AF and PF are undefined and kept here.
     * An immediate offset is taken modulo the operand size; a register offset is signed and may select
     * a bit outside the operand, in the operand-sized word (offset DIV size) away (SDM Vol. 2A BT).
     */
    private static void bitTest(DecodedInstruction insn, Machine m) throws GuestFault {
        Operand.Mem mem = (Operand.Mem) insn.operand(0);
        int bits = mem.size();
        long address = m.effectiveAddress(mem, insn.length(), insn.addressWidth());
        long offset = m.readOperand(insn, 1);
        if (insn.operand(1) instanceof Operand.Reg reg) {
            offset = IntegerArithmetic.signExtend(offset, reg.size());
            long segmentBase = m.segmentBase(mem.segment());
            long moved = address - segmentBase + Math.floorDiv(offset, bits) * (bits / 8);
            address = (moved & Machine.addressMask(insn.addressWidth())) + segmentBase;
        }
        long word = m.read(address, bits / 8);
        boolean set = ((word >>> Math.floorMod(offset, bits)) & 1) != 0;
        RegisterFile r = m.regs();
        r.setRflags(set ? r.rflags() | Rflags.CF : r.rflags() & ~Rflags.CF);
    }

    /** stos: rax's low size bytes to ES:rdi (ES takes no override), element by element. */
    private static Outcome store(DecodedInstruction insn, Machine m, int size) throws GuestFault {
        RegisterFile r = m.regs();
        long value = r.gpr(RegisterFile.GPR_RAX);
        long stride = StringRegisters.stride(r, size);
        long count = StringRegisters.count(insn, r);
        for (int done = 0; count != 0; done++) {
            if (done == StringRegisters.ELEMENTS_PER_STEP) {
                return Outcome.RETRY;
            }
            m.write(StringRegisters.pointer(insn, r, RegisterFile.GPR_RDI), size, value);
            StringRegisters.advance(insn, r, RegisterFile.GPR_RDI, stride);
            StringRegisters.setCount(insn, r, --count);
        }
        return Outcome.ADVANCE;
    }

    /** movs: DS:rsi (or an FS/GS override) to ES:rdi, element by element; either side may be RAM. */
    private static Outcome move(DecodedInstruction insn, Machine m, int size) throws GuestFault {
        RegisterFile r = m.regs();
        long sourceBase = StringRegisters.sourceBase(insn, m);
        long stride = StringRegisters.stride(r, size);
        long count = StringRegisters.count(insn, r);
        for (int done = 0; count != 0; done++) {
            if (done == StringRegisters.ELEMENTS_PER_STEP) {
                return Outcome.RETRY;
            }
            long value = m.read(sourceBase + StringRegisters.pointer(insn, r, RegisterFile.GPR_RSI), size);
            m.write(StringRegisters.pointer(insn, r, RegisterFile.GPR_RDI), size, value);
            StringRegisters.advance(insn, r, RegisterFile.GPR_RSI, stride);
            StringRegisters.advance(insn, r, RegisterFile.GPR_RDI, stride);
            StringRegisters.setCount(insn, r, --count);
        }
        return Outcome.ADVANCE;
    }
}
