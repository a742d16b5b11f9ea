package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.emulate.SegmentGdt.BASED_DATA;
import static dev.uhv.emulate.SegmentGdt.CALL_GATE;
import static dev.uhv.emulate.SegmentGdt.CODE32;
import static dev.uhv.emulate.SegmentGdt.CODE32_3;
import static dev.uhv.emulate.SegmentGdt.CODE64;
import static dev.uhv.emulate.SegmentGdt.CODE64_3;
import static dev.uhv.emulate.SegmentGdt.CODE64_ABSENT;
import static dev.uhv.emulate.SegmentGdt.CODE_LONG_AND_D;
import static dev.uhv.emulate.SegmentGdt.CONFORMING_CODE64;
import static dev.uhv.emulate.SegmentGdt.CONFORMING_CODE64_3;
import static dev.uhv.emulate.SegmentGdt.CONFORMING_READABLE_CODE;
import static dev.uhv.emulate.SegmentGdt.DATA;
import static dev.uhv.emulate.SegmentGdt.DATA3;
import static dev.uhv.emulate.SegmentGdt.DATA3_ABSENT;
import static dev.uhv.emulate.SegmentGdt.SMALL_CODE32;
import static dev.uhv.emulate.SegmentGdt.SMALL_LIMIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Register;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Far JMP, CALL and RET and IRET against a guest GDT (SDM Vol. 2A CALL, IRET, JMP; Vol. 2B RET):
 * each check's fault and error code, and CS, SS, CPL, rip, rsp and RFLAGS after a transfer, in
 * 64-bit and compatibility mode. Frames are written at {@link #STACK}, lowest address first.
 */
class FarTransferEmulatorTest {
    private static final long STACK = 0x7000;
    private static final long TARGET = 0x2000;
    private static final long USER_STACK = 0x6800;
    private static final long POINTER = 0x5000;
    private static final long NON_CANONICAL = 0x0000_8000_0000_0000L;

    private final TestMachine t = new TestMachine();
    private final FarTransferEmulator emulator = new FarTransferEmulator();

    @BeforeEach
    void kernelOnItsOwnGdt() {
        SegmentGdt.install(t);
        t.regs.setRsp(STACK);
        t.cpu.setGuestRflags(Rflags.FIXED_1);
    }

    private void frame64(long... slots) {
        for (int i = 0; i < slots.length; i++) {
            t.memory.writeU64(STACK + 8L * i, slots[i]);
        }
    }

    private void frame32(long... slots) {
        for (int i = 0; i < slots.length; i++) {
            t.memory.writeU32(STACK + 4L * i, slots[i]);
        }
    }

    private void jump(DecodedInstruction insn) throws GuestFault {
        assertEquals(Outcome.JUMP, emulator.emulate(insn, t.machine));
    }

    private void jump(String hex) throws GuestFault {
        jump(t.decode(hex));
    }

    /** The fault hex raises, with its error code; nothing about the CPU may have changed. */
    private GuestFault fault(DecodedInstruction insn, int vector, long errorCode) {
        int cs = t.cpu.selector(Register.CS);
        int ss = t.cpu.selector(Register.SS);
        int cpl = t.cpu.cpl();
        long rsp = t.regs.rsp();
        long flags = t.cpu.guestRflags();
        GuestFault f = assertThrows(GuestFault.class, () -> emulator.emulate(insn, t.machine));
        assertEquals(GuestFault.vectorName(vector), f.mnemonic(), f.getMessage());
        assertEquals(errorCode, f.errorCode(), f.getMessage());
        assertEquals(TestMachine.RIP, t.regs.rip(), "rip stays at the instruction");
        assertEquals(rsp, t.regs.rsp());
        assertEquals(cs, t.cpu.selector(Register.CS));
        assertEquals(ss, t.cpu.selector(Register.SS));
        assertEquals(cpl, t.cpu.cpl());
        assertEquals(flags, t.cpu.guestRflags());
        return f;
    }

    private GuestFault fault(String hex, int vector, long errorCode) {
        return fault(t.decode(hex), vector, errorCode);
    }

    private void atCpl3() {
        t.cpu.enterCode(CODE64_3 | 3, 64, 3);
        t.cpu.setSelector(Register.SS, DATA3 | 3);
    }

    private void assertCode(int selector, int bits, int cpl, long rip) {
        assertEquals(selector, t.cpu.selector(Register.CS), "CS");
        assertEquals(bits, t.cpu.codeBits(), "code bits");
        assertEquals(cpl, t.cpu.cpl(), "CPL");
        assertEquals(bits == 64 ? VirtualCpu.HOST_CODE64 : VirtualCpu.HOST_CODE32, t.regs.cs(), "host CS");
        assertEquals(rip, t.regs.rip(), "rip");
    }

    // ---- iret ----

    @Test
    void iretqAtTheSameLevelPopsAllFiveSlots() throws GuestFault {
        frame64(TARGET, CODE64, Rflags.IF | Rflags.CF | Rflags.FIXED_1, USER_STACK, DATA);

        jump("48 cf");

        assertCode(CODE64, 64, 0, TARGET);
        assertEquals(USER_STACK, t.regs.rsp());
        assertEquals(DATA, t.cpu.selector(Register.SS));
        assertTrue(t.cpu.interruptFlag());
        assertEquals(Rflags.IF | Rflags.CF | Rflags.FIXED_1, t.cpu.guestRflags());
    }

    @Test
    void iretqToUserModeLoadsCpl3AndNullsKernelDataSegments() throws GuestFault {
        t.cpu.setSelector(Register.DS, DATA);
        t.cpu.setSelector(Register.ES, DATA3 | 3);
        t.cpu.setSelector(Register.FS, BASED_DATA);
        t.cpu.msrs().setFsBase(0x1234);
        t.cpu.setSelector(Register.GS, CONFORMING_READABLE_CODE);
        long flags = Rflags.IF | Rflags.IOPL | Rflags.FIXED_1;
        frame64(TARGET, CODE64_3 | 3, flags, USER_STACK, DATA3 | 3);

        jump("48 cf");

        assertCode(CODE64_3 | 3, 64, 3, TARGET);
        assertEquals(DATA3 | 3, t.cpu.selector(Register.SS));
        assertEquals(USER_STACK, t.regs.rsp());
        assertEquals(3, t.cpu.iopl(), "CPL0 loads IOPL");
        assertTrue(t.cpu.interruptFlag());
        assertEquals(0, t.cpu.selector(Register.DS), "DPL0 data is nulled");
        assertEquals(0, t.cpu.selector(Register.FS));
        assertEquals(0x1234, t.cpu.msrs().fsBase(), "only the selector is nulled");
        assertEquals(DATA3 | 3, t.cpu.selector(Register.ES), "DPL3 data stays");
        assertEquals(CONFORMING_READABLE_CODE, t.cpu.selector(Register.GS), "conforming code stays");
    }

    @Test
    void outsideCpl0IretKeepsIoplAndOnlyCplAtMostIoplLoadsIf() throws GuestFault {
        atCpl3();
        frame64(TARGET, CODE64_3 | 3, Rflags.IF | Rflags.IOPL | Rflags.DF | Rflags.FIXED_1, USER_STACK, DATA3 | 3);

        jump("48 cf");

        assertEquals(0, t.cpu.iopl());
        assertFalse(t.cpu.interruptFlag(), "CPL3 > IOPL0: IF stays clear");
        assertTrue((t.cpu.guestRflags() & Rflags.DF) != 0, "DF comes from the image");
    }

    @Test
    void withIopl3Cpl3IretLoadsIf() throws GuestFault {
        t.cpu.setGuestRflags(Rflags.IOPL | Rflags.FIXED_1);
        atCpl3();
        frame64(TARGET, CODE64_3 | 3, Rflags.IF | Rflags.FIXED_1, USER_STACK, DATA3 | 3);

        jump("48 cf");

        assertTrue(t.cpu.interruptFlag());
        assertEquals(3, t.cpu.iopl(), "IOPL only changes at CPL0");
    }

    @Test
    void iretFlagRules() {
        long defined = 0x3d_7fd5L; // CF..ID without VM and the fixed bit 1
        long privileged = Rflags.IOPL | Rflags.IF | (1L << 19) | (1L << 20); // IOPL, IF, VIF, VIP
        assertEquals(defined | Rflags.FIXED_1, FarTransferEmulator.iretFlags(0, defined | Rflags.VM, 0, 0, 8),
                "CPL0 loads every flag but VM");
        assertEquals((defined & ~privileged) | Rflags.FIXED_1, FarTransferEmulator.iretFlags(0, defined, 3, 0, 8),
                "CPL3 > IOPL0 loads neither IF nor IOPL, VIF, VIP");
        assertEquals(Rflags.IOPL | Rflags.IF | Rflags.FIXED_1,
                FarTransferEmulator.iretFlags(Rflags.IOPL | Rflags.IF, 0, 3, 0, 8), "and keeps the current ones");
        assertEquals(Rflags.IF | Rflags.FIXED_1, FarTransferEmulator.iretFlags(0, Rflags.IF | Rflags.IOPL, 3, 3, 8),
                "CPL3 <= IOPL3 loads IF, still not IOPL");
        assertEquals(Rflags.RF | Rflags.AC | Rflags.FIXED_1,
                FarTransferEmulator.iretFlags(Rflags.RF | Rflags.AC, 0, 0, 0, 2), "a 16-bit image leaves RF, AC, ID");
    }

    @Test
    void iretWithNtSetIsGp0InIa32eMode() {
        t.regs.setRflags(t.regs.rflags() | Rflags.NT); // the hardware holds NT for the guest
        frame64(TARGET, CODE64, Rflags.FIXED_1, USER_STACK, DATA);

        fault("48 cf", GuestFault.GP, 0);
    }

    @Test
    void iretCodeSegmentChecks() {
        frame64(TARGET, 0, 0, USER_STACK, DATA);
        fault("48 cf", GuestFault.GP, 0);
        frame64(TARGET, DATA, 0, USER_STACK, DATA);
        fault("48 cf", GuestFault.GP, DATA);
        frame64(TARGET, CODE64 | 3, 0, USER_STACK, DATA3 | 3); // non-conforming DPL0 with RPL3
        fault("48 cf", GuestFault.GP, CODE64);
        frame64(TARGET, CONFORMING_CODE64_3, 0, USER_STACK, DATA); // conforming DPL3 > RPL0
        fault("48 cf", GuestFault.GP, CONFORMING_CODE64_3);
        frame64(TARGET, CODE64_ABSENT, 0, USER_STACK, DATA);
        fault("48 cf", GuestFault.NP, CODE64_ABSENT);
        frame64(TARGET, 0xa8, 0, USER_STACK, DATA); // beyond the GDT limit
        fault("48 cf", GuestFault.GP, 0xa8);
        frame64(NON_CANONICAL, CODE64, 0, USER_STACK, DATA);
        fault("48 cf", GuestFault.GP, 0);
    }

    @Test
    void iretNeverReturnsInward() {
        atCpl3();
        frame64(TARGET, CODE64, 0, STACK, DATA);

        fault("48 cf", GuestFault.GP, CODE64);
    }

    @Test
    void iretStackSegmentChecks() {
        frame64(TARGET, CODE64_3 | 3, 0, USER_STACK, DATA3); // SS.RPL0 != CS.RPL3
        fault("48 cf", GuestFault.GP, DATA3);
        frame64(TARGET, CODE64_3 | 3, 0, USER_STACK, DATA | 3); // DPL0 != 3
        fault("48 cf", GuestFault.GP, DATA);
        frame64(TARGET, CODE64_3 | 3, 0, USER_STACK, 3); // null SS to CPL3
        fault("48 cf", GuestFault.GP, 0);
        frame64(TARGET, CODE64_3 | 3, 0, USER_STACK, DATA3_ABSENT | 3);
        fault("48 cf", GuestFault.SS, DATA3_ABSENT);
        frame64(TARGET, CODE64, 0, USER_STACK, 1); // a null SS with RPL1 at CPL0
        fault("48 cf", GuestFault.GP, 0);
    }

    @Test
    void a64BitKernelMayIretWithANullSs() throws GuestFault {
        frame64(TARGET, CODE64, Rflags.FIXED_1, USER_STACK, 0);

        jump("48 cf");

        assertEquals(0, t.cpu.selector(Register.SS));
        assertEquals(USER_STACK, t.regs.rsp());
    }

    @Test
    void iretdFrom64BitCodePopsFiveDwords() throws GuestFault {
        frame32(TARGET, CODE64_3 | 3, Rflags.FIXED_1, USER_STACK, DATA3 | 3);

        jump("cf");

        assertCode(CODE64_3 | 3, 64, 3, TARGET);
        assertEquals(USER_STACK, t.regs.rsp());
        assertEquals(DATA3 | 3, t.cpu.selector(Register.SS));
    }

    @Test
    void iretWithAnOperandSizePrefixPopsWords() throws GuestFault {
        for (int i = 0; i < 5; i++) {
            t.memory.writeU16(STACK + 2L * i, new int[] {0x1234, CODE64, (int) Rflags.CF, 0x6000, DATA}[i]);
        }

        jump("66 cf");

        assertCode(CODE64, 64, 0, 0x1234);
        assertEquals(0x6000, t.regs.rsp());
        assertTrue((t.cpu.guestRflags() & Rflags.CF) != 0);
    }

    @Test
    void iretqToCompatibilityMode() throws GuestFault {
        frame64(TARGET, CODE32_3 | 3, Rflags.FIXED_1, USER_STACK, DATA3 | 3);

        jump("48 cf");

        assertCode(CODE32_3 | 3, 32, 3, TARGET);
        assertEquals(USER_STACK, t.regs.rsp());
    }

    @Test
    void aCompatibilityModeRipMustBeWithinTheSegmentLimit() {
        frame64(SMALL_LIMIT + 1, SMALL_CODE32, 0, USER_STACK, DATA);

        fault("48 cf", GuestFault.GP, 0);
    }

    @Test
    void compatibilityModeIretAtTheSameLevelLeavesSsAlone() throws GuestFault {
        t.cpu.enterCode(CODE32, 32, 0);
        t.cpu.setSelector(Register.SS, BASED_DATA);
        frame32(TARGET, CODE32, Rflags.DF, USER_STACK, DATA3);

        jump(t.decode32("cf"));

        assertCode(CODE32, 32, 0, TARGET);
        assertEquals(STACK + 12, t.regs.rsp(), "EIP, CS, EFLAGS only");
        assertEquals(BASED_DATA, t.cpu.selector(Register.SS));
        assertTrue((t.cpu.guestRflags() & Rflags.DF) != 0);
    }

    @Test
    void compatibilityModeIretToAnOuterLevelPopsEspAndSs() throws GuestFault {
        t.cpu.enterCode(CODE32, 32, 0);
        t.regs.setRsp(0xffff_ffff_0000_0000L | STACK);
        frame32(TARGET, CODE32_3 | 3, Rflags.FIXED_1, USER_STACK, DATA3 | 3);

        jump(t.decode32("cf"));

        assertCode(CODE32_3 | 3, 32, 3, TARGET);
        assertEquals(USER_STACK, t.regs.rsp());
        assertEquals(DATA3 | 3, t.cpu.selector(Register.SS));
    }

    @Test
    void compatibilityModeIretMayReturnTo64BitCode() throws GuestFault {
        t.cpu.enterCode(CODE32, 32, 0);
        frame32(TARGET, CODE64, Rflags.FIXED_1);

        jump(t.decode32("cf"));

        assertCode(CODE64, 64, 0, TARGET);
        assertEquals(STACK + 12, t.regs.rsp());
    }

    @Test
    void aFrameOutsideGuestRamIsAPageFault() {
        t.regs.setRsp(TestMachine.RAM_SIZE - 16);

        GuestFault f = fault("48 cf", GuestFault.PF, 0);

        assertEquals(TestMachine.RAM_SIZE, f.faultAddress());
    }

    @Test
    void aNonCanonicalStackIsSs0() {
        t.regs.setRsp(NON_CANONICAL);

        fault("48 cf", GuestFault.SS, 0);
    }

    // ---- far ret ----

    @Test
    void lretqAtTheSameLevel() throws GuestFault {
        frame64(TARGET, CODE64);

        jump("48 cb");

        assertCode(CODE64, 64, 0, TARGET);
        assertEquals(STACK + 16, t.regs.rsp());
        assertEquals(DATA, t.cpu.selector(Register.SS));
    }

    @Test
    void lretWithout64BitOperandsPopsDwordsAndCanEnterCompatibilityMode() throws GuestFault {
        frame32(0xffff_ffffL & (0xabcd_0000L | TARGET), CODE32);

        jump("cb");

        assertCode(CODE32, 32, 0, 0xabcd_0000L | TARGET);
        assertEquals(STACK + 8, t.regs.rsp());
    }

    @Test
    void lretImmediateReleasesParameters() throws GuestFault {
        frame32(TARGET, CODE64);

        jump("ca 08 00");

        assertEquals(STACK + 8 + 8, t.regs.rsp());
    }

    @Test
    void lretqToAnOuterLevelPopsRspAndSsAfterTheParameters() throws GuestFault {
        t.cpu.setSelector(Register.DS, DATA);
        frame64(TARGET, CODE64_3 | 3, 0xaaaa, 0xbbbb, USER_STACK, DATA3 | 3);

        jump("48 ca 10 00");

        assertCode(CODE64_3 | 3, 64, 3, TARGET);
        assertEquals(DATA3 | 3, t.cpu.selector(Register.SS));
        assertEquals(USER_STACK + 16, t.regs.rsp(), "the parameters are released from the new stack too");
        assertEquals(0, t.cpu.selector(Register.DS));
    }

    @Test
    void lretChecks() {
        atCpl3();
        frame64(TARGET, CODE64);
        fault("48 cb", GuestFault.GP, CODE64); // inward
        t.cpu.enterCode(CODE64, 64, 0);
        t.cpu.setSelector(Register.SS, DATA);
        frame64(TARGET, CONFORMING_CODE64_3);
        fault("48 cb", GuestFault.GP, CONFORMING_CODE64_3); // conforming DPL3 > RPL0
        frame64(TARGET, CODE64_ABSENT);
        fault("48 cb", GuestFault.NP, CODE64_ABSENT);
        frame64(TARGET, 0);
        fault("48 cb", GuestFault.GP, 0);
        frame64(NON_CANONICAL, CODE64);
        fault("48 cb", GuestFault.GP, 0);
        frame64(TARGET, CODE64_3 | 3, USER_STACK, DATA | 3);
        fault("48 cb", GuestFault.GP, DATA);
    }

    @Test
    void lretIn32BitCodeReleasesFromEsp() throws GuestFault {
        t.cpu.enterCode(CODE32, 32, 0);
        frame32(TARGET, CODE32);

        jump(t.decode32("ca 04 00"));

        assertCode(CODE32, 32, 0, TARGET);
        assertEquals(STACK + 12, t.regs.rsp());
    }

    // ---- far jmp and call ----

    private void pointer64(long offset, int selector) {
        t.memory.writeU64(POINTER, offset);
        t.memory.writeU16(POINTER + 8, selector);
        t.setGpr(GPR_RAX, POINTER);
    }

    @Test
    void ljmpThroughM16Colon64() throws GuestFault {
        t.memory.writeU64(STACK, 0xffff_8000_0000_2000L);
        t.memory.writeU16(STACK + 8, CODE64);

        jump("48 ff 2c 24"); // ljmp *(%rsp), REX.W

        assertCode(CODE64, 64, 0, 0xffff_8000_0000_2000L);
        assertEquals(STACK, t.regs.rsp());
    }

    @Test
    void ljmpThroughM16Colon32EntersCompatibilityMode() throws GuestFault {
        t.memory.writeU32(STACK, TARGET);
        t.memory.writeU16(STACK + 4, CODE32);

        jump("ff 2c 24");

        assertCode(CODE32, 32, 0, TARGET);
    }

    @Test
    void ljmpToConformingCodeKeepsTheCpl() throws GuestFault {
        atCpl3();
        pointer64(TARGET, CONFORMING_CODE64);

        jump("48 ff 28");

        assertCode(CONFORMING_CODE64 | 3, 64, 3, TARGET);
    }

    @Test
    void ljmpChecks() {
        pointer64(TARGET, 0);
        fault("48 ff 28", GuestFault.GP, 0);
        pointer64(TARGET, CODE64 | 3); // RPL3 > CPL0
        fault("48 ff 28", GuestFault.GP, CODE64);
        pointer64(TARGET, CODE64_3); // DPL3 != CPL0: no privilege change without a call gate
        fault("48 ff 28", GuestFault.GP, CODE64_3);
        pointer64(TARGET, DATA);
        fault("48 ff 28", GuestFault.GP, DATA);
        pointer64(TARGET, CODE_LONG_AND_D);
        fault("48 ff 28", GuestFault.GP, CODE_LONG_AND_D);
        pointer64(TARGET, CODE64_ABSENT);
        fault("48 ff 28", GuestFault.NP, CODE64_ABSENT);
        pointer64(NON_CANONICAL, CODE64);
        fault("48 ff 28", GuestFault.GP, 0);
        pointer64(SMALL_LIMIT + 1, SMALL_CODE32);
        fault("48 ff 28", GuestFault.GP, 0);
    }

    @Test
    void aCallGateIsRefusedAndSaysSo() {
        pointer64(0, CALL_GATE);

        GuestFault f = fault("48 ff 18", GuestFault.GP, CALL_GATE);

        assertTrue(f.getMessage().contains("call gate"), f.getMessage());
    }

    @Test
    void lcallPushesCsThenTheReturnAddress() throws GuestFault {
        pointer64(TARGET, CODE64);

        jump("48 ff 18"); // lcall *(%rax), REX.W

        assertCode(CODE64, 64, 0, TARGET);
        assertEquals(STACK - 16, t.regs.rsp());
        assertEquals(TestMachine.RIP + 3, t.memory.readU64(STACK - 16), "return rip");
        assertEquals(CODE64, t.memory.readU64(STACK - 8), "caller's CS, zero-padded");
    }

    @Test
    void lcallWithAStackOutsideRamFaultsBeforeTransferring() {
        pointer64(TARGET, CODE64);
        t.regs.setRsp(0x1000_0000);

        GuestFault f = fault("48 ff 18", GuestFault.PF, Machine.PF_WRITE);

        assertEquals(0x1000_0000 - 8, f.faultAddress());
    }

    @Test
    void directFarJumpFromCompatibilityModeInto64BitCode() throws GuestFault {
        t.cpu.enterCode(CODE32, 32, 0);

        jump(t.decode32("ea 00 20 00 00 08 00")); // ljmp $0x8, $0x2000

        assertCode(CODE64, 64, 0, TARGET);
    }

    @Test
    void directFarCallIn32BitCodePushesDwords() throws GuestFault {
        t.cpu.enterCode(CODE32, 32, 0);

        jump(t.decode32("9a 00 20 00 00 18 00")); // lcall $0x18, $0x2000

        assertCode(CODE32, 32, 0, TARGET);
        assertEquals(STACK - 8, t.regs.rsp());
        assertEquals(TestMachine.RIP + 7, t.memory.readU32(STACK - 8));
        assertEquals(CODE32, t.memory.readU32(STACK - 4));
    }

    @Test
    void takesFarBranchesAndIretOnly() {
        assertTrue(emulator.accepts(t.decode("48 cf")));
        assertTrue(emulator.accepts(t.decode("cb")));
        assertTrue(emulator.accepts(t.decode("ff 2c 24")));
        assertFalse(emulator.accepts(t.decode("c3")), "near ret");
        assertFalse(emulator.accepts(t.decode("ff e0")), "near jmp");
        assertFalse(emulator.accepts(t.decode("e8 00 00 00 00")), "near call");
    }

    @Test
    void anIretOutsideIa32eModeWithNtIsATaskReturnUhvDoesNotEmulate() throws GuestFault {
        TestMachine legacy = new TestMachine(0);
        SegmentGdt.install(legacy);
        legacy.cpu.enterCode(CODE32, 32, 0);
        legacy.regs.setRflags(Rflags.NT | Rflags.FIXED_1);

        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, emulator.emulate(legacy.decode32("cf"),
                legacy.machine));

        assertEquals(ExitReason.UNHANDLED_INSTRUCTION, stop.reason());
        assertTrue(stop.detail().contains("task return"), stop.detail());
    }

    @Test
    void in32BitProtectedModeIretPopsThreeDwordsAtTheSameLevel() throws GuestFault {
        TestMachine legacy = new TestMachine(0);
        SegmentGdt.install(legacy);
        legacy.cpu.enterCode(CODE32, 32, 0);
        legacy.regs.setRsp(STACK);
        legacy.memory.writeU32(STACK, TARGET);
        legacy.memory.writeU32(STACK + 4, CODE32);
        legacy.memory.writeU32(STACK + 8, Rflags.IF | Rflags.FIXED_1);

        assertEquals(Outcome.JUMP, emulator.emulate(legacy.decode32("cf"), legacy.machine));

        assertEquals(TARGET, legacy.regs.rip());
        assertEquals(STACK + 12, legacy.regs.rsp());
        assertTrue(legacy.cpu.interruptFlag());
    }

    /** CS.L only means 64-bit code in IA-32e mode; elsewhere a descriptor with L = 1, D = 0 is 16-bit code. */
    @Test
    void outsideIa32eModeTheLBitIsIgnored() throws GuestFault {
        TestMachine legacy = new TestMachine(0);
        SegmentGdt.install(legacy);
        legacy.cpu.enterCode(CODE32, 32, 0);

        assertEquals(Outcome.JUMP, emulator.emulate(legacy.decode32("ea 00 20 00 00 08 00"), legacy.machine));

        assertEquals(16, legacy.cpu.codeBits());
        assertEquals(CODE64, legacy.cpu.selector(Register.CS));
    }
}
