package dev.uhv.decoder;

/** One explicit (visible) operand of a decoded instruction, in Intel order: the destination first. */
public sealed interface Operand permits Operand.Reg, Operand.Mem, Operand.Imm, Operand.Ptr {

    /** Operand size in bits. */
    int size();

    /** A register operand. */
    record Reg(Register register, int size) implements Operand {
    }

    /**
     * A memory operand: segment:[base + index * scale + displacement]. base and index are
     * {@link Register#NONE} when absent; base is {@link Register#RIP} for rip-relative addressing
     * (the displacement is then relative to the next instruction).
     */
    record Mem(Register segment, Register base, Register index, int scale, long displacement, int size)
            implements Operand {
    }

    /** An immediate, already sign- or zero-extended to 64 bits as the instruction defines. */
    record Imm(long value, int size) implements Operand {
    }

    /**
     * A far pointer immediate, segment:offset ({@code jmp far 0x8:0x1000}, opcodes EA and 9A outside
     * 64-bit mode). size counts the whole pointer, selector included: 32 (ptr16:16) or 48 (ptr16:32).
     */
    record Ptr(int segment, long offset, int size) implements Operand {
    }
}
