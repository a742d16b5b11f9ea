package dev.uhv.emulate;

import dev.uhv.cpu.Rflags;
import dev.uhv.decoder.Mnemonic;

/**
 * The two-operand integer instructions and their status flags, on 8-, 16-, 32- or 64-bit operands
 * held zero-extended in a long (SDM Vol. 1, 3.4.3.1 and Appendix A; Vol. 2 per instruction).
 * Carry and overflow come from the operands and the result alone, so one formula serves the
 * instructions with and without a carry in (adc, sbb).
 */
final class IntegerArithmetic {
    /** CF, PF, AF, ZF, SF and OF: what the arithmetic instructions write. */
    static final long STATUS_FLAGS = Rflags.CF | Rflags.PF | Rflags.AF | Rflags.ZF | Rflags.SF | Rflags.OF;

    private static final int AUX_CARRY_BIT = 4;

    private IntegerArithmetic() {
    }

    /**
     * dest op source at bits (both already masked to it), masked: ADD, ADC, SUB, SBB, CMP, AND, OR,
     * XOR and TEST, and INC, DEC, NEG and NOT, which ignore source. carryIn is RFLAGS.CF (0 or 1),
     * for adc and sbb. CMP and TEST compute it only for {@link #flags}.
     */
    static long result(Mnemonic op, long dest, long source, int bits, long carryIn) {
        long value = switch (op) {
            case ADD -> dest + source;
            case ADC -> dest + source + carryIn;
            case SUB, CMP -> dest - source;
            case SBB -> dest - source - carryIn;
            case AND, TEST -> dest & source;
            case OR -> dest | source;
            case XOR -> dest ^ source;
            case INC -> dest + 1;
            case DEC -> dest - 1;
            case NEG -> -dest;
            case NOT -> ~dest;
            default -> throw new IllegalArgumentException(op + " is not an integer arithmetic instruction");
        };
        return value & mask(bits);
    }

    /** rflags as op leaves it, given its operands and {@link #result}. */
    static long flags(Mnemonic op, long dest, long source, long result, int bits, long rflags) {
        return switch (op) {
            case ADD, ADC -> replace(rflags, STATUS_FLAGS, addFlags(dest, source, result, bits));
            case SUB, SBB, CMP -> replace(rflags, STATUS_FLAGS, subtractFlags(dest, source, result, bits));
            case AND, TEST, OR, XOR -> replace(rflags, STATUS_FLAGS, logicFlags(result, bits));
            // as add and sub of 1, but CF keeps its value (SDM Vol. 2A INC, DEC)
            case INC -> replace(rflags, STATUS_FLAGS & ~Rflags.CF, addFlags(dest, 1, result, bits));
            case DEC -> replace(rflags, STATUS_FLAGS & ~Rflags.CF, subtractFlags(dest, 1, result, bits));
            // 0 - dest: CF is set unless dest is 0 (SDM Vol. 2B NEG)
            case NEG -> replace(rflags, STATUS_FLAGS, subtractFlags(0, dest, result, bits));
            case NOT -> rflags;
            default -> throw new IllegalArgumentException(op + " is not an integer arithmetic instruction");
        };
    }

    /** All-ones in the low bits bits. */
    static long mask(int bits) {
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    /** value's low bits bits, sign-extended to 64. */
    static long signExtend(long value, int bits) {
        int shift = 64 - bits;
        return (value << shift) >> shift;
    }

    /** CF: a carry out of the top bit, from the per-bit carries (a AND b) OR ((a OR b) AND NOT r). */
    private static long addFlags(long a, long b, long r, int bits) {
        long carries = (a & b) | ((a | b) & ~r);
        long overflow = (a ^ r) & (b ^ r); // both operands' sign differs from the result's
        return bit(carries, bits - 1, Rflags.CF) | bit(overflow, bits - 1, Rflags.OF) | auxCarry(a, b, r)
                | signZeroParity(r, bits);
    }

    /** CF: a borrow into the top bit, from the per-bit borrows (NOT a AND b) OR (NOT (a XOR b) AND r). */
    private static long subtractFlags(long a, long b, long r, int bits) {
        long borrows = (~a & b) | (~(a ^ b) & r);
        long overflow = (a ^ b) & (a ^ r); // operands of different signs, and the result's is not a's
        return bit(borrows, bits - 1, Rflags.CF) | bit(overflow, bits - 1, Rflags.OF) | auxCarry(a, b, r)
                | signZeroParity(r, bits);
    }

    /** AND, OR, XOR, TEST: CF and OF cleared; AF is undefined, cleared here as QEMU does. */
    private static long logicFlags(long r, int bits) {
        return signZeroParity(r, bits);
    }

    /** AF: a carry or borrow across bit 3, which is bit 4 of a XOR b XOR r. */
    private static long auxCarry(long a, long b, long r) {
        return bit(a ^ b ^ r, AUX_CARRY_BIT, Rflags.AF);
    }

    /** SF: the top bit; ZF: a zero result; PF: an even number of ones in the low byte. */
    private static long signZeroParity(long r, int bits) {
        return bit(r, bits - 1, Rflags.SF) | (r == 0 ? Rflags.ZF : 0)
                | ((Long.bitCount(r & 0xff) & 1) == 0 ? Rflags.PF : 0);
    }

    private static long bit(long value, int index, long flag) {
        return ((value >>> index) & 1) != 0 ? flag : 0;
    }

    private static long replace(long flags, long which, long values) {
        return (flags & ~which) | (values & which);
    }
}
