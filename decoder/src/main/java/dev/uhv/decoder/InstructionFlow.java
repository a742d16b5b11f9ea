package dev.uhv.decoder;

/**
 * Where an instruction ends and where control goes from it, without its operands: what the code
 * scanner needs from each of a page's instructions ({@link Decoder#decodeFlow}), several times
 * cheaper to get than a {@link DecodedInstruction}.
 *
 * @param length       length in bytes, 1..15
 * @param mnemonic     as {@link DecodedInstruction#mnemonic()}
 * @param bits         {@link #RELATIVE}, {@link #CONDITIONAL}, {@link #FAR}, {@link #SEGMENT_READ}
 * @param displacement a relative branch's displacement from the next instruction (0 otherwise)
 * @param operandWidth effective operand size in bits
 */
public record InstructionFlow(int length, Mnemonic mnemonic, int bits, long displacement, int operandWidth) {
    /** A direct near branch (jmp, call, jcc, loop, jrcxz with a relative target). */
    public static final int RELATIVE = 1;
    /** A conditional branch: control may also fall through. */
    public static final int CONDITIONAL = 1 << 1;
    /** A far jmp, call or ret. */
    public static final int FAR = 1 << 2;
    /** mov r/m, Sreg (8C) or push Sreg: reads a segment selector. */
    public static final int SEGMENT_READ = 1 << 3;

    public boolean has(int bit) {
        return (bits & bit) != 0;
    }
}
