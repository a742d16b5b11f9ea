package dev.uhv.decoder;

import java.util.List;

/**
 * One decoded instruction. Immutable; a decode cache hands out the same instance for the same
 * address and bytes.
 *
 * @param mnemonic     what the instruction is ({@link Mnemonic#OTHER} for those uhv does not name)
 * @param mnemonicText Zydis's lower-case mnemonic, always set (for messages)
 * @param length       length in bytes, 1..15
 * @param operandWidth effective operand size in bits (8, 16, 32, 64)
 * @param addressWidth effective address size in bits (16, 32, 64)
 * @param prefixes     bit set of {@link #PREFIX_REP} and friends
 * @param attributes   bit set of {@link #ATTRIBUTE_FAR_BRANCH} and {@link #ATTRIBUTE_WRITES_MEMORY}
 * @param operands     the explicit operands only, destination first; implicit ones (rdmsr's ecx,
 *                     outsb's rsi) follow from the mnemonic
 */
public record DecodedInstruction(Mnemonic mnemonic, String mnemonicText, int length, int operandWidth,
                                 int addressWidth, int prefixes, int attributes, List<Operand> operands) {

    public static final int PREFIX_REP = 1;
    public static final int PREFIX_REPNE = 1 << 1;
    public static final int PREFIX_LOCK = 1 << 2;
    public static final int PREFIX_OPERAND_SIZE = 1 << 3;
    public static final int PREFIX_ADDRESS_SIZE = 1 << 4;
    public static final int PREFIX_REX_W = 1 << 5;
    /**
     * An FS (GS) override that takes effect on some memory operand, visible or hidden: the only way
     * to see one on the source of movs and outs, which have no visible operands.
     */
    public static final int PREFIX_SEGMENT_FS = 1 << 6;
    public static final int PREFIX_SEGMENT_GS = 1 << 7;

    /** A far jmp, call or ret (Zydis's far branch type): JMP, CALL and RET name both kinds. */
    public static final int ATTRIBUTE_FAR_BRANCH = 1;
    /**
     * The instruction writes (or may write) memory through some operand, explicit or implicit: a
     * store, push and call (the stack), stos and movs ([rdi]). Not lea, which only computes an address.
     */
    public static final int ATTRIBUTE_WRITES_MEMORY = 1 << 1;

    public DecodedInstruction {
        operands = List.copyOf(operands);
    }

    public boolean has(int prefix) {
        return (prefixes & prefix) != 0;
    }

    /** ljmp, lcall, lret (not iret, which Zydis does not count as a branch). */
    public boolean isFarBranch() {
        return (attributes & ATTRIBUTE_FAR_BRANCH) != 0;
    }

    /** Whether it writes memory through any operand, visible or hidden (for the W bit of a #PF error code). */
    public boolean writesMemory() {
        return (attributes & ATTRIBUTE_WRITES_MEMORY) != 0;
    }

    public Operand operand(int i) {
        return operands.get(i);
    }
}
