package dev.uhv.decoder;

import static dev.uhv.decoder.DecodeAssertions.assertDecodes64;
import static dev.uhv.decoder.DecodeAssertions.decode;
import static dev.uhv.decoder.DecodeAssertions.imm;
import static dev.uhv.decoder.DecodeAssertions.long64;
import static dev.uhv.decoder.DecodeAssertions.mem;
import static dev.uhv.decoder.DecodeAssertions.reg;
import static dev.uhv.decoder.DecodedInstruction.ATTRIBUTE_WRITES_MEMORY;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_ADDRESS_SIZE;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_LOCK;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_REPNE;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_REX_W;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_SEGMENT_FS;
import static dev.uhv.decoder.Register.AH;
import static dev.uhv.decoder.Register.AL;
import static dev.uhv.decoder.Register.AX;
import static dev.uhv.decoder.Register.DS;
import static dev.uhv.decoder.Register.EAX;
import static dev.uhv.decoder.Register.FS;
import static dev.uhv.decoder.Register.NONE;
import static dev.uhv.decoder.Register.RAX;
import static dev.uhv.decoder.Register.RBX;
import static dev.uhv.decoder.Register.RCX;
import static dev.uhv.decoder.Register.RIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Descriptor tables, ring transitions, interrupts and the other system instructions in 64-bit mode. */
class SystemInstructionDecodeTest {

    /** lgdt/lidt take m16&64: 80 bits in 64-bit mode. */
    private static final int PSEUDO_DESCRIPTOR_64 = 80;

    @Test
    void lgdtRipRelative() throws UndecodableException {
        assertDecodes64("0f 01 15 10 00 00 00",
                long64(Mnemonic.LGDT, 7, 64, 0, mem(DS, RIP, NONE, 0, 0x10, PSEUDO_DESCRIPTOR_64)));
    }

    @Test
    void lidtThroughRax() throws UndecodableException {
        assertDecodes64("0f 01 18", long64(Mnemonic.LIDT, 3, 64, 0, mem(DS, RAX, NONE, 0, 0, PSEUDO_DESCRIPTOR_64)));
    }

    @Test
    void lgdtWithBaseIndexScaleAndDisplacement() throws UndecodableException {
        assertDecodes64("0f 01 54 cb 20",
                long64(Mnemonic.LGDT, 5, 64, 0, mem(DS, RBX, RCX, 8, 0x20, PSEUDO_DESCRIPTOR_64)));
    }

    @Test
    void ltrAndLldtTakeASixteenBitSelector() throws UndecodableException {
        assertDecodes64("0f 00 d8", long64(Mnemonic.LTR, 3, 32, 0, reg(AX, 16)));
        assertDecodes64("0f 00 d0", long64(Mnemonic.LLDT, 3, 32, 0, reg(AX, 16)));
    }

    @Test
    void invlpg() throws UndecodableException {
        assertDecodes64("0f 01 38", long64(Mnemonic.INVLPG, 3, 8, 0, mem(DS, RAX, NONE, 0, 0, 8)));
    }

    @Test
    void operandlessSystemInstructions() throws UndecodableException {
        assertDecodes64("0f 01 f8", long64(Mnemonic.SWAPGS, 3, 32, 0));
        assertDecodes64("0f 01 d1", long64(Mnemonic.XSETBV, 3, 32, 0));
        assertDecodes64("f4", long64(Mnemonic.HLT, 1, 32, 0));
        assertDecodes64("fa", long64(Mnemonic.CLI, 1, 32, 0));
        assertDecodes64("fb", long64(Mnemonic.STI, 1, 32, 0));
        assertDecodes64("0f 0b", long64(Mnemonic.UD2, 2, 32, 0));
    }

    @Test
    void ringTransitions() throws UndecodableException {
        assertDecodes64("0f 05", long64(Mnemonic.SYSCALL, 2, 64, 0));
        assertDecodes64("0f 34", long64(Mnemonic.SYSENTER, 2, 32, 0));
        assertDecodes64("48 cf", long64(Mnemonic.IRETQ, 2, 64, PREFIX_REX_W));
    }

    @Test
    void intWithVector() throws UndecodableException {
        assertDecodes64("cd 80", long64(Mnemonic.INT, 2, 32, 0, imm(0x80, 8)));
    }

    @Test
    void fsSegmentOverrideOnAbsoluteAddress() throws UndecodableException {
        assertDecodes64("64 8b 04 25 10 00 00 00",
                long64(Mnemonic.MOV, 8, 32, PREFIX_SEGMENT_FS, reg(EAX, 32), mem(FS, NONE, NONE, 0, 0x10, 32)));
    }

    @Test
    void highByteRegister() throws UndecodableException {
        DecodedInstruction movAlAh = decode(MachineMode.LONG_64, "88 e0");
        assertEquals(List.of(reg(AL, 8), reg(AH, 8)), movAlAh.operands());
        Register ah = ((Operand.Reg) movAlAh.operand(1)).register();
        assertTrue(ah.isHighByte());
        assertEquals(0, ah.index());
        assertFalse(AL.isHighByte());
    }

    @Test
    void lockRexWRepneAndAddressSizePrefixes() throws UndecodableException {
        assertDecodes64("f0 48 0f b1 0b",
                new DecodedInstruction(Mnemonic.OTHER, "cmpxchg", 5, 64, 64, PREFIX_LOCK | PREFIX_REX_W,
                        ATTRIBUTE_WRITES_MEMORY, List.of(mem(DS, RBX, NONE, 0, 0, 64), reg(RCX, 64))));
        assertDecodes64("f2 ae", new DecodedInstruction(Mnemonic.OTHER, "scasb", 2, 8, 64, PREFIX_REPNE, 0, List.of()));
        assertDecodes64("67 ac", new DecodedInstruction(Mnemonic.OTHER, "lodsb", 2, 8, 32, PREFIX_ADDRESS_SIZE, 0,
                List.of()));
    }

    @Test
    void signedImmediateIsSignExtendedToSixtyFourBits() throws UndecodableException {
        assertDecodes64("48 83 e0 f0", long64(Mnemonic.AND, 4, 64, PREFIX_REX_W, reg(RAX, 64), imm(-16, 8)));
    }

    @Test
    void relativeBranchImmediateIsTheDisplacement() throws UndecodableException {
        assertDecodes64("eb fe", long64(Mnemonic.JMP, 2, 64, 0, imm(-2, 8)));
    }

    @Test
    void unnamedInstructionsKeepTheirText() throws UndecodableException {
        DecodedInstruction movdqa = decode(MachineMode.LONG_64, "66 0f 6f c1");
        assertEquals(Mnemonic.OTHER, movdqa.mnemonic());
        assertEquals("movdqa", movdqa.mnemonicText());
        assertEquals(List.of(reg(Register.OTHER, 128), reg(Register.OTHER, 128)), movdqa.operands());
    }
}
