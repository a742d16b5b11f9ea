package dev.uhv.scan;

import dev.uhv.decoder.Decoder;
import dev.uhv.decoder.InstructionFlow;
import dev.uhv.decoder.MachineMode;
import dev.uhv.decoder.UndecodableException;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Finds the sensitive instructions of one guest page before it runs, by recursive descent: from each
 * entry point it decodes forward, follows direct jumps, calls and conditional branches, and stops at
 * what ends a path (jmp, ret, iret, ud2, an indirect jump, bytes that are no instruction, or a byte
 * already decoded). Targets and fall-through outside the page are handed back as entry points of
 * the page they land in, which is scanned when it first runs. A path that would decode from the
 * middle of an instruction already found is dropped rather than trusted: the first decoding (from
 * where the guest really executes) wins, so data or overlapping code is never patched on a guess.
 * Plain Java over the guest's bytes; the caller owns protections and patches.
 */
public final class CodeScanner {
    public static final int PAGE_SIZE = 4096;

    /** The guest's original bytes (patches hidden) at address; how many were copied, 0 outside RAM. */
    @FunctionalInterface
    public interface CodeBytes {
        int fetch(long address, byte[] window);
    }

    /** A sensitive instruction found: where, how long, and its text for reports. */
    public record Site(long address, int length, String text) {
    }

    private final Decoder decoder64 = Decoder.forMode(MachineMode.LONG_64);
    private final Decoder decoder32 = Decoder.forMode(MachineMode.LEGACY_32);
    private final SensitiveInstructions sensitive;
    private final CodeBytes bytes;
    private final byte[] window = new byte[Decoder.MAX_INSTRUCTION_LENGTH];
    private long instructionsDecoded;

    public CodeScanner(SensitiveInstructions sensitive, CodeBytes bytes) {
        this.sensitive = sensitive;
        this.bytes = bytes;
    }

    public SensitiveInstructions sensitive() {
        return sensitive;
    }

    /** Instructions decoded by every scan so far (for the benchmark's cost per page). */
    public long instructionsDecoded() {
        return instructionsDecoded;
    }

    /**
     * Decodes page's code reachable from roots (in order, the most trustworthy first) in 32- or
     * 64-bit mode, marking what it decodes in page; adds each sensitive instruction found to sites
     * and each address a path leaves the page for to outside.
     */
    public void scan(PageCode page, long[] roots, int bits, List<Site> sites, LongConsumer outside) {
        Decoder decoder = bits == 32 ? decoder32 : decoder64;
        ArrayDeque<Long> work = new ArrayDeque<>();
        for (long root : roots) {
            work.add(root);
            while (!work.isEmpty()) {
                follow(page, work.pop(), decoder, bits, work, sites, outside);
            }
        }
    }

    private void follow(PageCode page, long address, Decoder decoder, int bits, ArrayDeque<Long> work,
                        List<Site> sites, LongConsumer outside) {
        while (true) {
            if (!page.contains(address)) {
                outside.accept(address);
                return;
            }
            if (page.isDecoded(address)) {
                return; // an instruction already found here, or a path into the middle of one
            }
            int n = bytes.fetch(address, window);
            if (n == 0) {
                return;
            }
            InstructionFlow insn;
            try {
                insn = decoder.decodeFlow(window, n);
            } catch (UndecodableException e) {
                return;
            }
            if (!page.claim(address, insn.length())) {
                return; // it would overlap an instruction decoded before
            }
            instructionsDecoded++;
            if (sensitive.isSensitive(insn)) {
                sites.add(new Site(address, insn.length(), decoder.format(window, insn.length(), address)));
            }
            long next = address + insn.length();
            long target = relativeTarget(insn, next, bits);
            if (endsPath(insn)) {
                if (target >= 0) {
                    work.push(target);
                }
                return;
            }
            if (target >= 0) {
                work.push(target);
            }
            address = next;
        }
    }

    /** Whether execution never falls through to the next instruction. */
    private static boolean endsPath(InstructionFlow insn) {
        return switch (insn.mnemonic()) {
            case JMP, RET, IRET, IRETD, IRETQ, UD0, UD1, UD2, SYSRET, SYSEXIT -> true;
            default -> false;
        };
    }

    /**
     * The target of a direct near jmp, call, jcc, loop or jrcxz (rel8/rel16/rel32 from the next
     * instruction, wrapped to the code size outside 64-bit mode), or -1 for any other instruction.
     */
    private static long relativeTarget(InstructionFlow insn, long next, int bits) {
        if (!insn.has(InstructionFlow.RELATIVE) || insn.has(InstructionFlow.FAR)) {
            return -1;
        }
        long target = next + insn.displacement();
        if (insn.operandWidth() == 16) {
            return target & 0xffff;
        }
        return bits == 32 ? target & 0xffff_ffffL : target;
    }
}
