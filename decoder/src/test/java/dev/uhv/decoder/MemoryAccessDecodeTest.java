package dev.uhv.decoder;

import static dev.uhv.decoder.DecodeAssertions.assertDecodes;
import static dev.uhv.decoder.DecodeAssertions.assertDecodes64;
import static dev.uhv.decoder.DecodeAssertions.decode;
import static dev.uhv.decoder.DecodeAssertions.imm;
import static dev.uhv.decoder.DecodeAssertions.long64;
import static dev.uhv.decoder.DecodeAssertions.mem;
import static dev.uhv.decoder.DecodeAssertions.reg;
import static dev.uhv.decoder.DecodedInstruction.ATTRIBUTE_WRITES_MEMORY;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_ADDRESS_SIZE;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_REP;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_REX_W;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_SEGMENT_FS;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_SEGMENT_GS;
import static dev.uhv.decoder.Register.DS;
import static dev.uhv.decoder.Register.EAX;
import static dev.uhv.decoder.Register.NONE;
import static dev.uhv.decoder.Register.RAX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The forms the MMIO access emulator takes: moffs, string instructions and their overrides, RMW arithmetic. */
class MemoryAccessDecodeTest {
    private static final int WRITES = ATTRIBUTE_WRITES_MEMORY;

    @Test
    void movabsLoadCarriesTheFull64BitAddress() throws UndecodableException {
        assertDecodes64("a1 00 00 e0 fe 00 00 00 00",
                long64(Mnemonic.MOV, 9, 32, 0, reg(EAX, 32), mem(DS, NONE, NONE, 0, 0xfee0_0000L, 32)));
    }

    @Test
    void moffsIn32BitModeIsSignExtendedAndLeftToTheAddressSize() throws UndecodableException {
        // The emulator truncates to the 32-bit address size (Machine.effectiveAddress).
        assertDecodes(MachineMode.LEGACY_32, "a1 00 00 e0 fe", new DecodedInstruction(Mnemonic.MOV, "mov", 5, 32,
                32, 0, 0, List.of(reg(EAX, 32), mem(DS, NONE, NONE, 0, 0xffff_ffff_fee0_0000L, 32))));
    }

    @Test
    void stringMovesHaveNoVisibleOperands() throws UndecodableException {
        assertDecodes64("f3 48 a5", long64(Mnemonic.MOVSQ, 3, 64, PREFIX_REP | PREFIX_REX_W, WRITES));
        assertDecodes64("f3 aa", long64(Mnemonic.STOSB, 2, 8, PREFIX_REP, WRITES));
    }

    @Test
    void segmentOverrideOnTheMovsSourceIsReported() throws UndecodableException {
        assertDecodes64("64 a4", long64(Mnemonic.MOVSB, 2, 8, PREFIX_SEGMENT_FS, WRITES));
        assertDecodes64("65 f3 a5", long64(Mnemonic.MOVSD, 3, 32, PREFIX_SEGMENT_GS | PREFIX_REP, WRITES));
    }

    @Test
    void stosIgnoresASegmentOverrideItsEsDestinationCannotTake() throws UndecodableException {
        assertDecodes64("64 aa", long64(Mnemonic.STOSB, 2, 8, 0, WRITES));
    }

    @Test
    void addressSizePrefixIn64BitMode() throws UndecodableException {
        DecodedInstruction insn = decode(MachineMode.LONG_64, "67 f3 a4");
        assertEquals(32, insn.addressWidth());
        assertTrue(insn.has(PREFIX_ADDRESS_SIZE) && insn.has(PREFIX_REP));
    }

    @Test
    void sseMovsdSharesTheStringMnemonicButHasOperands() throws UndecodableException {
        DecodedInstruction insn = decode(MachineMode.LONG_64, "f2 0f 10 c1");
        assertEquals(Mnemonic.MOVSD, insn.mnemonic());
        assertEquals(2, insn.operands().size());
    }

    @Test
    void readModifyWriteArithmeticIsNamed() throws UndecodableException {
        assertDecodes64("48 11 00", long64(Mnemonic.ADC, 3, 64, PREFIX_REX_W, WRITES,
                mem(DS, RAX, NONE, 0, 0, 64), reg(RAX, 64)));
        assertDecodes64("83 18 01", long64(Mnemonic.SBB, 3, 32, 0, WRITES, mem(DS, RAX, NONE, 0, 0, 32), imm(1, 8)));
        assertDecodes64("ff 00", long64(Mnemonic.INC, 2, 32, 0, WRITES, mem(DS, RAX, NONE, 0, 0, 32)));
        assertDecodes64("fe 08", long64(Mnemonic.DEC, 2, 8, 0, WRITES, mem(DS, RAX, NONE, 0, 0, 8)));
        assertDecodes64("f7 10", long64(Mnemonic.NOT, 2, 32, 0, WRITES, mem(DS, RAX, NONE, 0, 0, 32)));
        assertDecodes64("f7 18", long64(Mnemonic.NEG, 2, 32, 0, WRITES, mem(DS, RAX, NONE, 0, 0, 32)));
        assertDecodes64("0f ba 20 05", long64(Mnemonic.BT, 4, 32, 0, mem(DS, RAX, NONE, 0, 0, 32), imm(5, 8)));
    }
}
