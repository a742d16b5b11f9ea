package dev.uhv.bench;

import dev.uhv.decoder.Decoder;
import java.util.Arrays;

/** The instructions the benchmarks decode and emulate, as the bytes a guest traps on. */
public enum PrivilegedInstruction {
    /** mov rax, cr0 */
    MOV_RAX_CR0(0x0f, 0x20, 0xc0),
    /** wrmsr */
    WRMSR(0x0f, 0x30),
    /** out 0xe9, al */
    OUT_E9_AL(0xe6, 0xe9),
    /** rep outsb */
    REP_OUTSB(0xf3, 0x6e);

    /** What follows the instruction in its fetch window: a nop, as a trap handler reads past it. */
    private static final byte NOP = (byte) 0x90;

    private final byte[] bytes;

    PrivilegedInstruction(int... bytes) {
        this.bytes = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            this.bytes[i] = (byte) bytes[i];
        }
    }

    /**
     * The fetch window a trap handler decodes from: the instruction, then nops up to
     * {@link Decoder#MAX_INSTRUCTION_LENGTH} bytes.
     */
    public byte[] window() {
        byte[] window = new byte[Decoder.MAX_INSTRUCTION_LENGTH];
        Arrays.fill(window, NOP);
        System.arraycopy(bytes, 0, window, 0, bytes.length);
        return window;
    }
}
