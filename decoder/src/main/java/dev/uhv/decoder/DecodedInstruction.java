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
 * @param operands     the explicit operands only, destination first; implicit ones (rdmsr's ecx,
 *                     outsb's rsi) follow from the mnemonic
 */
public record DecodedInstruction(Mnemonic mnemonic, String mnemonicText, int length, int operandWidth,
                                 int addressWidth, int prefixes, List<Operand> operands) {

    public static final int PREFIX_REP = 1;
    public static final int PREFIX_REPNE = 1 << 1;
    public static final int PREFIX_LOCK = 1 << 2;
    public static final int PREFIX_OPERAND_SIZE = 1 << 3;
    public static final int PREFIX_ADDRESS_SIZE = 1 << 4;
    public static final int PREFIX_REX_W = 1 << 5;

    public DecodedInstruction {
        operands = List.copyOf(operands);
    }

    public boolean has(int prefix) {
        return (prefixes & prefix) != 0;
    }

    public Operand operand(int i) {
        return operands.get(i);
    }
}
