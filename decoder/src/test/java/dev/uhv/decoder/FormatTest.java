package dev.uhv.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FormatTest {

    private final Decoder decoder = Decoder.forMode(MachineMode.LONG_64);

    private String format(Decoder withDecoder, String hex, long address) {
        byte[] bytes = Hex.bytes(hex);
        return withDecoder.format(bytes, bytes.length, address);
    }

    @Test
    void intelSyntax() {
        assertEquals("mov rax, cr0", format(decoder, "0f 20 c0", 0));
        assertEquals("out 0xE9, al", format(decoder, "e6 e9", 0));
        assertEquals("rep outsb", format(decoder, "f3 6e", 0));
    }

    @Test
    void relativeJumpShowsTheAbsoluteTargetFromTheRuntimeAddress() {
        assertEquals("jmp 0x401000", format(decoder, "eb fe", 0x401000));
        assertEquals("jmp 0x402000", format(decoder, "e9 fb 0f 00 00", 0x401000));
    }

    @Test
    void ripRelativeOperandShowsTheAbsoluteAddress() {
        assertEquals("lgdt [0x1017]", format(decoder, "0f 01 15 10 00 00 00", 0x1000));
    }

    @Test
    void modeChangesTheText() {
        assertEquals("mov eax, cr0", format(Decoder.forMode(MachineMode.LEGACY_32), "0f 20 c0", 0));
    }

    @Test
    void undecodableBytesFormatAsBad() {
        assertEquals("(bad)", format(decoder, "0f 04", 0));
        assertEquals("(bad)", decoder.format(Hex.bytes("0f 22 c0"), 2, 0));
    }
}
