package dev.uhv.decoder;

import static dev.uhv.decoder.DecodeAssertions.assertDecodes64;
import static dev.uhv.decoder.DecodeAssertions.imm;
import static dev.uhv.decoder.DecodeAssertions.long64;
import static dev.uhv.decoder.DecodeAssertions.reg;
import static dev.uhv.decoder.DecodedInstruction.ATTRIBUTE_WRITES_MEMORY;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_OPERAND_SIZE;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_REP;
import static dev.uhv.decoder.Register.AL;
import static dev.uhv.decoder.Register.AX;
import static dev.uhv.decoder.Register.DX;
import static dev.uhv.decoder.Register.EAX;

import org.junit.jupiter.api.Test;

/** in, out and the string forms; the operand width says how many bytes a port access moves. */
class PortIoDecodeTest {

    @Test
    void inAlFromImmediatePort() throws UndecodableException {
        assertDecodes64("e4 80", long64(Mnemonic.IN, 2, 8, 0, reg(AL, 8), imm(0x80, 8)));
    }

    @Test
    void inEaxFromDx() throws UndecodableException {
        assertDecodes64("ed", long64(Mnemonic.IN, 1, 32, 0, reg(EAX, 32), reg(DX, 16)));
    }

    @Test
    void operandSizePrefixMakesInAxFromDx() throws UndecodableException {
        assertDecodes64("66 ed", long64(Mnemonic.IN, 2, 16, PREFIX_OPERAND_SIZE, reg(AX, 16), reg(DX, 16)));
    }

    @Test
    void outDxAl() throws UndecodableException {
        assertDecodes64("ee", long64(Mnemonic.OUT, 1, 8, 0, reg(DX, 16), reg(AL, 8)));
    }

    @Test
    void outToImmediatePortPutsThePortFirst() throws UndecodableException {
        assertDecodes64("e6 e9", long64(Mnemonic.OUT, 2, 8, 0, imm(0xe9, 8), reg(AL, 8)));
    }

    @Test
    void repOutsb() throws UndecodableException {
        assertDecodes64("f3 6e", long64(Mnemonic.OUTSB, 2, 8, PREFIX_REP));
    }

    /** ins stores to [rdi]: an implicit memory write. */
    @Test
    void repInsw() throws UndecodableException {
        assertDecodes64("66 f3 6d", long64(Mnemonic.INSW, 3, 16, PREFIX_REP | PREFIX_OPERAND_SIZE,
                ATTRIBUTE_WRITES_MEMORY));
    }

    @Test
    void outsd() throws UndecodableException {
        assertDecodes64("6f", long64(Mnemonic.OUTSD, 1, 32, 0));
    }
}
