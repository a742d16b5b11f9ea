package dev.uhv.emulate;

import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Register;

/**
 * The implicit registers of the string instructions (MOVS, STOS, INS, OUTS; SDM Vol. 1, 7.3.9 and
 * Vol. 2B, REP/REPE/REPZ/REPNE/REPNZ): the pointers rsi and rdi and the count rcx, all used at the
 * instruction's address size, the pointers stepped up or down by DF. Emulators update them element
 * by element, so a fault part way leaves the state the SDM describes for a restart, and a long REP
 * string does {@link #ELEMENTS_PER_STEP} elements per call then answers {@link Outcome#RETRY}: the
 * trap handler calls again at once, within the same trap, until the string is done, and between
 * steps sees a timeout or Ctrl-C, which a huge count so cannot hold off.
 */
final class StringRegisters {
    /** Elements of a REP string done per call: a 4 KiB page of bytes, few enough to stay responsive. */
    static final int ELEMENTS_PER_STEP = 4096;

    private StringRegisters() {
    }

    /**
     * Whether the instruction repeats. F2 (REPNE) repeats MOVS, STOS, INS and OUTS as F3 does: they
     * test no flag, and the hardware treats either prefix as REP for them.
     */
    static boolean repeated(DecodedInstruction insn) {
        return insn.has(DecodedInstruction.PREFIX_REP) || insn.has(DecodedInstruction.PREFIX_REPNE);
    }

    /** How many elements are left: rcx, ecx or cx by the address size when repeated, else 1. */
    static long count(DecodedInstruction insn, RegisterFile r) {
        return repeated(insn) ? r.gpr(RegisterFile.GPR_RCX) & Machine.addressMask(insn.addressWidth()) : 1;
    }

    /** After one element of a repeated instruction: the count register one less, at the address size. */
    static void setCount(DecodedInstruction insn, RegisterFile r, long count) {
        if (repeated(insn)) {
            set(r, RegisterFile.GPR_RCX, count, insn.addressWidth());
        }
    }

    /** The distance between elements: +size with DF clear, -size with DF set. */
    static long stride(RegisterFile r, int size) {
        return (r.rflags() & Rflags.DF) != 0 ? -size : size;
    }

    /** The offset in rsi or rdi (gpr) at the address size. */
    static long pointer(DecodedInstruction insn, RegisterFile r, int gpr) {
        return r.gpr(gpr) & Machine.addressMask(insn.addressWidth());
    }

    /** Moves rsi or rdi (gpr) by stride, wrapping at the address size. */
    static void advance(DecodedInstruction insn, RegisterFile r, int gpr, long stride) {
        set(r, gpr, r.gpr(gpr) + stride, insn.addressWidth());
    }

    /**
     * The base of the segment the source (DS:rsi) is read through: an FS or GS override's, else 0
     * (the destination, ES:rdi, takes no override).
     */
    static long sourceBase(DecodedInstruction insn, Machine m) {
        if (insn.has(DecodedInstruction.PREFIX_SEGMENT_FS)) {
            return m.segmentBase(Register.FS);
        }
        return insn.has(DecodedInstruction.PREFIX_SEGMENT_GS) ? m.segmentBase(Register.GS) : 0;
    }

    /**
     * A write of rsi, rdi or rcx at the address size: 32-bit writes zero-extend to 64 bits, 16-bit
     * writes keep bits 63:16 (SDM Vol. 1, 3.4.1.1).
     */
    private static void set(RegisterFile r, int gpr, long value, int addressWidth) {
        long old = r.gpr(gpr);
        r.setGpr(gpr, switch (addressWidth) {
            case 64 -> value;
            case 32 -> value & 0xffff_ffffL;
            default -> (old & ~0xffffL) | (value & 0xffff);
        });
    }
}
