package dev.uhv.decoder;

import static dev.uhv.decoder.DecodeAssertions.assertDecodes;
import static dev.uhv.decoder.DecodeAssertions.assertDecodes64;
import static dev.uhv.decoder.DecodeAssertions.decode;
import static dev.uhv.decoder.DecodeAssertions.imm;
import static dev.uhv.decoder.DecodeAssertions.long64;
import static dev.uhv.decoder.DecodeAssertions.mem;
import static dev.uhv.decoder.DecodeAssertions.ptr;
import static dev.uhv.decoder.DecodeAssertions.reg;
import static dev.uhv.decoder.DecodedInstruction.ATTRIBUTE_FAR_BRANCH;
import static dev.uhv.decoder.DecodedInstruction.ATTRIBUTE_WRITES_MEMORY;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_OPERAND_SIZE;
import static dev.uhv.decoder.DecodedInstruction.PREFIX_REX_W;
import static dev.uhv.decoder.Register.AX;
import static dev.uhv.decoder.Register.DS;
import static dev.uhv.decoder.Register.EAX;
import static dev.uhv.decoder.Register.ES;
import static dev.uhv.decoder.Register.FS;
import static dev.uhv.decoder.Register.GS;
import static dev.uhv.decoder.Register.NONE;
import static dev.uhv.decoder.Register.RAX;
import static dev.uhv.decoder.Register.RSP;
import static dev.uhv.decoder.Register.SS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Far jmp, call and ret, iret, segment register loads, and which instructions write memory: what
 * the far-transfer and segment-load emulators and the #PF error code need from a decode.
 */
class FarTransferDecodeTest {
    private static final int FAR = ATTRIBUTE_FAR_BRANCH;
    private static final int WRITES = ATTRIBUTE_WRITES_MEMORY;

    @Test
    void farJumpThroughM16Colon64WithRexW() throws UndecodableException {
        assertDecodes64("48 ff 2c 24", long64(Mnemonic.JMP, 4, 64, PREFIX_REX_W, FAR, mem(SS, RSP, NONE, 0, 0, 80)));
    }

    @Test
    void farJumpOperandSizeSetsThePointerSize() throws UndecodableException {
        assertDecodes64("ff 2c 24", long64(Mnemonic.JMP, 3, 32, 0, FAR, mem(SS, RSP, NONE, 0, 0, 48)));
        assertDecodes64("66 ff 2c 24", long64(Mnemonic.JMP, 4, 16, PREFIX_OPERAND_SIZE, FAR,
                mem(SS, RSP, NONE, 0, 0, 32)));
    }

    @Test
    void farCallPushesSoItWritesMemory() throws UndecodableException {
        assertDecodes64("48 ff 1c 24", long64(Mnemonic.CALL, 4, 64, PREFIX_REX_W, FAR | WRITES,
                mem(SS, RSP, NONE, 0, 0, 80)));
    }

    @Test
    void farReturnsAreRetWithTheFarAttribute() throws UndecodableException {
        assertDecodes64("cb", long64(Mnemonic.RET, 1, 32, 0, FAR));
        assertDecodes64("48 cb", long64(Mnemonic.RET, 2, 64, PREFIX_REX_W, FAR));
        assertDecodes64("ca 08 00", long64(Mnemonic.RET, 3, 32, 0, FAR, imm(8, 16)));
    }

    @Test
    void nearBranchesAreNotFar() throws UndecodableException {
        assertFalse(decode(MachineMode.LONG_64, "c3").isFarBranch());
        assertFalse(decode(MachineMode.LONG_64, "ff e0").isFarBranch());
        assertFalse(decode(MachineMode.LONG_64, "e8 00 00 00 00").isFarBranch());
        assertTrue(decode(MachineMode.LONG_64, "ff 18").isFarBranch());
    }

    @Test
    void iretWidthsFollowThePrefixes() throws UndecodableException {
        assertDecodes64("48 cf", long64(Mnemonic.IRETQ, 2, 64, PREFIX_REX_W));
        assertDecodes64("cf", long64(Mnemonic.IRETD, 1, 32, 0));
        assertDecodes64("66 cf", long64(Mnemonic.IRET, 2, 16, PREFIX_OPERAND_SIZE));
    }

    @Test
    void directFarPointersIn32BitCode() throws UndecodableException {
        assertDecodes(MachineMode.LEGACY_32, "ea 00 10 00 00 08 00", new DecodedInstruction(Mnemonic.JMP, "jmp", 7, 32,
                32, 0, FAR, List.of(ptr(0x8, 0x1000, 48))));
        assertDecodes(MachineMode.LEGACY_32, "9a 78 56 34 12 1b 00", new DecodedInstruction(Mnemonic.CALL, "call", 7,
                32, 32, 0, FAR | WRITES, List.of(ptr(0x1b, 0x1234_5678L, 48))));
        assertDecodes(MachineMode.LEGACY_32, "66 ea 00 10 08 00", new DecodedInstruction(Mnemonic.JMP, "jmp", 6, 16,
                32, PREFIX_OPERAND_SIZE, FAR, List.of(ptr(0x8, 0x1000, 32))));
    }

    @Test
    void movToSegmentRegisters() throws UndecodableException {
        assertDecodes64("8e d8", long64(Mnemonic.MOV, 2, 32, 0, reg(DS, 16), reg(AX, 16)));
        assertDecodes64("8e d0", long64(Mnemonic.MOV, 2, 32, 0, reg(SS, 16), reg(AX, 16)));
        assertDecodes64("8e 18", long64(Mnemonic.MOV, 2, 32, 0, reg(DS, 16), mem(DS, RAX, NONE, 0, 0, 16)));
    }

    @Test
    void popOfASegmentRegisterTakesTheStackWidth() throws UndecodableException {
        assertDecodes64("0f a1", long64(Mnemonic.POP, 2, 64, 0, reg(FS, 16)));
        assertDecodes64("0f a9", long64(Mnemonic.POP, 2, 64, 0, reg(GS, 16)));
        assertDecodes64("66 0f a1", long64(Mnemonic.POP, 3, 16, PREFIX_OPERAND_SIZE, reg(FS, 16)));
        assertDecodes(MachineMode.LEGACY_32, "1f", new DecodedInstruction(Mnemonic.POP, "pop", 1, 32, 32, 0, 0,
                List.of(reg(DS, 16))));
    }

    @Test
    void farPointerLoads() throws UndecodableException {
        assertDecodes64("0f b2 00", long64(Mnemonic.LSS, 3, 32, 0, reg(EAX, 32), mem(DS, RAX, NONE, 0, 0, 48)));
        assertDecodes64("48 0f b2 00", long64(Mnemonic.LSS, 4, 64, PREFIX_REX_W, reg(RAX, 64),
                mem(DS, RAX, NONE, 0, 0, 80)));
        assertDecodes64("0f b4 00", long64(Mnemonic.LFS, 3, 32, 0, reg(EAX, 32), mem(DS, RAX, NONE, 0, 0, 48)));
        assertDecodes64("0f b5 00", long64(Mnemonic.LGS, 3, 32, 0, reg(EAX, 32), mem(DS, RAX, NONE, 0, 0, 48)));
        assertDecodes(MachineMode.LEGACY_32, "c5 00", new DecodedInstruction(Mnemonic.LDS, "lds", 2, 32, 32, 0, 0,
                List.of(reg(EAX, 32), mem(DS, Register.EAX, NONE, 0, 0, 48))));
        assertDecodes(MachineMode.LEGACY_32, "c4 00", new DecodedInstruction(Mnemonic.LES, "les", 2, 32, 32, 0, 0,
                List.of(reg(EAX, 32), mem(DS, Register.EAX, NONE, 0, 0, 48))));
    }

    @Test
    void implicitAndExplicitMemoryWritesAreFlagged() throws UndecodableException {
        assertDecodes64("50", long64(Mnemonic.PUSH, 1, 64, 0, WRITES, reg(RAX, 64)));
        assertDecodes64("aa", long64(Mnemonic.STOSB, 1, 8, 0, WRITES));
        assertDecodes64("89 00", long64(Mnemonic.MOV, 2, 32, 0, WRITES, mem(DS, RAX, NONE, 0, 0, 32), reg(EAX, 32)));
        assertDecodes64("8c 18", long64(Mnemonic.MOV, 2, 32, 0, WRITES, mem(DS, RAX, NONE, 0, 0, 16), reg(DS, 16)));
        assertDecodes64("8f 00", long64(Mnemonic.POP, 2, 64, 0, WRITES, mem(DS, RAX, NONE, 0, 0, 64)));
        assertTrue(decode(MachineMode.LONG_64, "e8 00 00 00 00").writesMemory());
        assertTrue(decode(MachineMode.LONG_64, "0f 01 00").writesMemory(), "sgdt stores its pseudo-descriptor");
        assertTrue(decode(MachineMode.LEGACY_32, "06").writesMemory(), "push es");
    }

    @Test
    void readsAndAddressComputationsAreNotWrites() throws UndecodableException {
        assertFalse(decode(MachineMode.LONG_64, "8b 00").writesMemory(), "mov eax, [rax]");
        assertFalse(decode(MachineMode.LONG_64, "48 8d 00").writesMemory(), "lea");
        assertFalse(decode(MachineMode.LONG_64, "0f 01 10").writesMemory(), "lgdt");
        assertFalse(decode(MachineMode.LONG_64, "c3").writesMemory(), "ret only pops");
        assertFalse(decode(MachineMode.LONG_64, "48 cf").writesMemory(), "iretq only pops");
        assertFalse(decode(MachineMode.LONG_64, "0f a1").writesMemory(), "pop fs only pops");
        assertDecodes64("48 8d 00", long64(Mnemonic.LEA, 3, 64, PREFIX_REX_W, reg(RAX, 64),
                mem(DS, RAX, NONE, 0, 0, 64)));
    }
}
