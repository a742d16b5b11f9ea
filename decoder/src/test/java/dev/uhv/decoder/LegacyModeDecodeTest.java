package dev.uhv.decoder;

import static dev.uhv.decoder.DecodeAssertions.assertDecodes;
import static dev.uhv.decoder.DecodeAssertions.ptr;
import static dev.uhv.decoder.DecodeAssertions.mem;
import static dev.uhv.decoder.DecodeAssertions.reg;
import static dev.uhv.decoder.DecodedInstruction.ATTRIBUTE_FAR_BRANCH;
import static dev.uhv.decoder.DecodedInstruction.ATTRIBUTE_WRITES_MEMORY;
import static dev.uhv.decoder.Register.AL;
import static dev.uhv.decoder.Register.CR0;
import static dev.uhv.decoder.Register.DS;
import static dev.uhv.decoder.Register.DX;
import static dev.uhv.decoder.Register.EAX;
import static dev.uhv.decoder.Register.ES;
import static dev.uhv.decoder.Register.NONE;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** 32- and 16-bit decoding: the mode fixes register widths and default sizes. */
class LegacyModeDecodeTest {

    @Test
    void inAlDxIn32BitMode() throws UndecodableException {
        assertDecodes(MachineMode.LEGACY_32, "ec",
                new DecodedInstruction(Mnemonic.IN, "in", 1, 8, 32, 0, 0, List.of(reg(AL, 8), reg(DX, 16))));
    }

    @Test
    void movFromCr0In32BitModeUsesEax() throws UndecodableException {
        assertDecodes(MachineMode.LEGACY_32, "0f 20 c0",
                new DecodedInstruction(Mnemonic.MOV, "mov", 3, 32, 32, 0, 0, List.of(reg(EAX, 32), reg(CR0, 32))));
    }

    @Test
    void farJumpTakesAPointerOperand() throws UndecodableException {
        assertDecodes(MachineMode.LEGACY_32, "ea 00 10 00 00 08 00", new DecodedInstruction(Mnemonic.JMP, "jmp", 7,
                32, 32, 0, ATTRIBUTE_FAR_BRANCH, List.of(ptr(0x8, 0x1000, 48))));
    }

    @Test
    void lgdtIn16BitModeLoadsSixBytes() throws UndecodableException {
        assertDecodes(MachineMode.LEGACY_16, "0f 01 16 00 10",
                new DecodedInstruction(Mnemonic.LGDT, "lgdt", 5, 16, 16, 0, 0,
                        List.of(mem(DS, NONE, NONE, 0, 0x1000, 48))));
    }

    @Test
    void pushEsExistsOutsideLongModeOnly() throws UndecodableException {
        assertDecodes(MachineMode.LEGACY_32, "06",
                new DecodedInstruction(Mnemonic.PUSH, "push", 1, 32, 32, 0, ATTRIBUTE_WRITES_MEMORY,
                        List.of(reg(ES, 16))));
        byte[] pushEs = Hex.bytes("06");
        assertThrows(UndecodableException.class, () -> Decoder.forMode(MachineMode.LONG_64).decode(pushEs, 1));
    }
}
