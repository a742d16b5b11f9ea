package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.GuestFault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MOV to/from CR0, CR2, CR3, CR4, CR8, CLTS and LMSW through decoded instructions, with the #GP(0)
 * rules of SDM Vol. 2B "MOV - Move to/from Control Registers" for a CPU in 64-bit mode.
 */
class ControlRegisterEmulatorTest {
    private static final String MOV_CR0_RAX = "0f 22 c0";
    private static final String MOV_CR2_RAX = "0f 22 d0";
    private static final String MOV_CR3_RAX = "0f 22 d8";
    private static final String MOV_CR4_RAX = "0f 22 e0";
    private static final String MOV_CR8_RAX = "44 0f 22 c0";
    private static final String MOV_RAX_CR0 = "0f 20 c0";
    private static final String MOV_RAX_CR2 = "0f 20 d0";
    private static final String MOV_RAX_CR3 = "0f 20 d8";
    private static final String MOV_RAX_CR4 = "0f 20 e0";
    private static final String MOV_RAX_CR8 = "44 0f 20 c0";

    private final TestMachine t = new TestMachine();
    private final ControlRegisterEmulator emulator = new ControlRegisterEmulator();

    private ControlRegisters cr() {
        return t.cpu.cr();
    }

    /** Runs hex with rax = value and checks it completed without moving rip. */
    private void movWithRax(String hex, long value) throws GuestFault {
        t.setGpr(GPR_RAX, value);
        assertEquals(Outcome.ADVANCE, t.run(emulator, hex));
        assertEquals(TestMachine.RIP, t.regs.rip(), "emulators leave rip to the run loop");
    }

    private long movFrom(String hex) throws GuestFault {
        t.setGpr(GPR_RAX, 0xdead_beef_dead_beefL);
        assertEquals(Outcome.ADVANCE, t.run(emulator, hex));
        assertEquals(TestMachine.RIP, t.regs.rip());
        return t.gpr(GPR_RAX);
    }

    private void gpWithRax(String hex, long value) {
        t.setGpr(GPR_RAX, value);
        t.fault(emulator, hex, GuestFault.GP);
        assertEquals(TestMachine.RIP, t.regs.rip());
    }

    @Test
    void readsEveryControlRegisterInto64BitRax() throws GuestFault {
        cr().writeCr2(0xffff_ffff_dead_0000L);
        cr().writeCr3(0x0000_7fff_ffff_f000L);
        cr().writeCr8(0x9);

        assertEquals(TestMachine.CR0, movFrom(MOV_RAX_CR0));
        assertEquals(0xffff_ffff_dead_0000L, movFrom(MOV_RAX_CR2));
        assertEquals(0x0000_7fff_ffff_f000L, movFrom(MOV_RAX_CR3));
        assertEquals(TestMachine.CR4, movFrom(MOV_RAX_CR4));
        assertEquals(0x9, movFrom(MOV_RAX_CR8));
    }

    @Test
    void writesEveryControlRegisterFromRax() throws GuestFault {
        movWithRax(MOV_CR0_RAX, 0xe005_003bL);
        movWithRax(MOV_CR2_RAX, 0x8000_0000_0000_1234L);
        movWithRax(MOV_CR3_RAX, 0x10_3000L);
        movWithRax(MOV_CR4_RAX, TestMachine.CR4 | ControlRegisters.CR4_PGE);
        movWithRax(MOV_CR8_RAX, 0xf);

        assertEquals(0xe005_003bL, cr().cr0());
        assertEquals(0x8000_0000_0000_1234L, cr().cr2());
        assertEquals(0x10_3000L, cr().cr3());
        assertEquals(TestMachine.CR4 | ControlRegisters.CR4_PGE, cr().cr4());
        assertEquals(0xf, cr().cr8());
    }

    @Test
    void usesTheGeneralRegistersTheModRmNames() throws GuestFault {
        t.setGpr(GPR_RBX, 0x20_0000L);
        t.setGpr(15, 0x30_0000L);
        t.setGpr(GPR_RCX, -1L);

        t.run(emulator, "0f 22 db"); // mov cr3, rbx
        assertEquals(0x20_0000L, cr().cr3());
        t.run(emulator, "41 0f 22 df"); // mov cr3, r15
        assertEquals(0x30_0000L, cr().cr3());
        t.run(emulator, "0f 20 e1"); // mov rcx, cr4
        assertEquals(TestMachine.CR4, t.gpr(GPR_RCX));
        t.run(emulator, "45 0f 20 c7"); // mov r15, cr8
        assertEquals(0, t.gpr(15));
    }

    @Test
    void cr0WithBits63To32IsGp() {
        gpWithRax(MOV_CR0_RAX, TestMachine.CR0 | 1L << 32);

        assertEquals(TestMachine.CR0, cr().cr0());
    }

    @Test
    void cr0WithPgButNotPeIsGp() {
        gpWithRax(MOV_CR0_RAX, ControlRegisters.CR0_PG | ControlRegisters.CR0_ET);

        assertEquals(TestMachine.CR0, cr().cr0());
    }

    @Test
    void cr0WithNwButNotCdIsGp() {
        gpWithRax(MOV_CR0_RAX, TestMachine.CR0 | ControlRegisters.CR0_NW);

        assertEquals(TestMachine.CR0, cr().cr0());
    }

    @Test
    void cr0WithNwAndCdIsAccepted() throws GuestFault {
        movWithRax(MOV_CR0_RAX, TestMachine.CR0 | ControlRegisters.CR0_NW | ControlRegisters.CR0_CD);

        assertEquals(0xe001_0033L, cr().cr0());
    }

    @Test
    void clearingCr0PgIn64BitModeIsGp() {
        gpWithRax(MOV_CR0_RAX, TestMachine.CR0 & ~ControlRegisters.CR0_PG);

        assertEquals(TestMachine.CR0, cr().cr0());
    }

    @Test
    void cr0EtIsForcedToOneAndUndefinedBitsAreDropped() throws GuestFault {
        movWithRax(MOV_CR0_RAX, 0x8000_0001L | 1L << 17 | 1L << 7);

        assertEquals(0x8000_0011L, cr().cr0());
        assertEquals(0x8000_0011L, movFrom(MOV_RAX_CR0));
    }

    @Test
    void cr3AboveMaxPhyAddrIsGp() throws GuestFault {
        movWithRax(MOV_CR3_RAX, 0x1000);

        gpWithRax(MOV_CR3_RAX, 1L << 48 | 0x2000);

        assertEquals(0x1000, cr().cr3());
    }

    @Test
    void cr3Bit63IsNotStoredWithPcide() throws GuestFault {
        movWithRax(MOV_CR4_RAX, TestMachine.CR4 | ControlRegisters.CR4_PCIDE);

        movWithRax(MOV_CR3_RAX, 1L << 63 | 0x4000 | 0x5);

        assertEquals(0x4005, cr().cr3());
        assertEquals(0x4005, movFrom(MOV_RAX_CR3));
    }

    @ParameterizedTest(name = "CR4 bit {0}")
    @ValueSource(ints = {12, 13, 14, 15, 19, 23, 24, 31, 32, 63})
    void cr4ReservedBitsAreGp(int bit) {
        gpWithRax(MOV_CR4_RAX, TestMachine.CR4 | 1L << bit);

        assertEquals(TestMachine.CR4, cr().cr4());
    }

    @Test
    void clearingCr4PaeIn64BitModeIsGp() {
        gpWithRax(MOV_CR4_RAX, TestMachine.CR4 & ~ControlRegisters.CR4_PAE);

        assertEquals(TestMachine.CR4, cr().cr4());
    }

    @Test
    void settingCr4PcideWhileCr3HasAPcidIsGp() throws GuestFault {
        movWithRax(MOV_CR3_RAX, 0x4001);

        gpWithRax(MOV_CR4_RAX, TestMachine.CR4 | ControlRegisters.CR4_PCIDE);

        assertEquals(TestMachine.CR4, cr().cr4());
    }

    @Test
    void settingCr4PcideWithCr3Bits11To0ClearIsAccepted() throws GuestFault {
        movWithRax(MOV_CR3_RAX, 0x4000);

        movWithRax(MOV_CR4_RAX, TestMachine.CR4 | ControlRegisters.CR4_PCIDE);

        assertEquals(TestMachine.CR4 | ControlRegisters.CR4_PCIDE, cr().cr4());
    }

    @Test
    void rewritingCr4WithPcideAlreadySetIgnoresTheCurrentPcid() throws GuestFault {
        movWithRax(MOV_CR4_RAX, TestMachine.CR4 | ControlRegisters.CR4_PCIDE);
        movWithRax(MOV_CR3_RAX, 0x4001);

        movWithRax(MOV_CR4_RAX, TestMachine.CR4 | ControlRegisters.CR4_PCIDE | ControlRegisters.CR4_PGE);

        assertEquals(TestMachine.CR4 | ControlRegisters.CR4_PCIDE | ControlRegisters.CR4_PGE, cr().cr4());
    }

    @ParameterizedTest
    @ValueSource(longs = {0x10, 0x100, 1L << 63})
    void cr8BitsAbove3AreGp(long value) {
        gpWithRax(MOV_CR8_RAX, value);

        assertEquals(0, cr().cr8());
    }

    @Test
    void cltsClearsTsAndNothingElse() throws GuestFault {
        movWithRax(MOV_CR0_RAX, TestMachine.CR0 | ControlRegisters.CR0_TS);

        assertEquals(Outcome.ADVANCE, t.run(emulator, "0f 06"));

        assertEquals(TestMachine.CR0, cr().cr0());
        assertEquals(TestMachine.RIP, t.regs.rip());
    }

    @Test
    void lmswLoadsMpEmTsFromTheLowFourBits() throws GuestFault {
        movWithRax(MOV_CR0_RAX, 0x8001_0031L); // PE, ET, NE, WP, PG

        t.setGpr(GPR_RAX, 0xffff_fffeL); // lmsw ax: ax = 0xfffe: MP EM TS set, PE clear, bits 15:4 ignored
        assertEquals(Outcome.ADVANCE, t.run(emulator, "0f 01 f0"));

        assertEquals(0x8001_003fL, cr().cr0());
    }

    @Test
    void lmswCannotClearPe() throws GuestFault {
        t.setGpr(GPR_RAX, 0);

        t.run(emulator, "0f 01 f0"); // lmsw ax

        assertEquals(0x8001_0031L, cr().cr0());
    }

    @Test
    void lmswReadsAWordFromMemory() throws GuestFault {
        t.memory.writeU16(0x2000, 0x8);
        t.setGpr(GPR_RAX, 0x2000);

        t.run(emulator, "0f 01 30"); // lmsw [rax]

        assertEquals(0x8001_0039L, cr().cr0());
    }
}
