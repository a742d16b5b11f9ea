package dev.uhv.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;

/** Decodes listing bytes and compares every field of the result with the expected record. */
final class DecodeAssertions {

    private DecodeAssertions() {
    }

    static DecodedInstruction decode(MachineMode mode, String hex) throws UndecodableException {
        byte[] bytes = Hex.bytes(hex);
        return Decoder.forMode(mode).decode(bytes, bytes.length);
    }

    static void assertDecodes(MachineMode mode, String hex, DecodedInstruction expected) throws UndecodableException {
        DecodedInstruction actual = decode(mode, hex);
        assertEquals(expected.mnemonic(), actual.mnemonic(), "mnemonic of " + hex);
        assertEquals(expected.mnemonicText(), actual.mnemonicText(), "mnemonic text of " + hex);
        assertEquals(expected.length(), actual.length(), "length of " + hex);
        assertEquals(expected.operandWidth(), actual.operandWidth(), "operand width of " + hex);
        assertEquals(expected.addressWidth(), actual.addressWidth(), "address width of " + hex);
        assertEquals(expected.prefixes(), actual.prefixes(), "prefixes of " + hex);
        assertEquals(expected.attributes(), actual.attributes(), "attributes of " + hex);
        assertEquals(expected.operands(), actual.operands(), "operands of " + hex);
    }

    static void assertDecodes64(String hex, DecodedInstruction expected) throws UndecodableException {
        assertDecodes(MachineMode.LONG_64, hex, expected);
    }

    /** An instruction decoded in 64-bit mode with the default 64-bit address size, no attributes. */
    static DecodedInstruction long64(Mnemonic mnemonic, int length, int operandWidth, int prefixes,
                                     Operand... operands) {
        return long64(mnemonic, length, operandWidth, prefixes, 0, operands);
    }

    /** As above, with {@link DecodedInstruction#ATTRIBUTE_FAR_BRANCH} and friends. */
    static DecodedInstruction long64(Mnemonic mnemonic, int length, int operandWidth, int prefixes, int attributes,
                                     Operand... operands) {
        return new DecodedInstruction(mnemonic, mnemonic.name().toLowerCase(Locale.ROOT), length,
                operandWidth, 64, prefixes, attributes, List.of(operands));
    }

    static Operand.Reg reg(Register register, int size) {
        return new Operand.Reg(register, size);
    }

    static Operand.Imm imm(long value, int size) {
        return new Operand.Imm(value, size);
    }

    static Operand.Ptr ptr(int segment, long offset, int size) {
        return new Operand.Ptr(segment, offset, size);
    }

    static Operand.Mem mem(Register segment, Register base, Register index, int scale, long displacement, int size) {
        return new Operand.Mem(segment, base, index, scale, displacement, size);
    }
}
