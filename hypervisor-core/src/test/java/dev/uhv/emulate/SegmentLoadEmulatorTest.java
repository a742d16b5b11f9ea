package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static dev.uhv.emulate.SegmentGdt.BASED_DATA;
import static dev.uhv.emulate.SegmentGdt.BASED_DATA_BASE;
import static dev.uhv.emulate.SegmentGdt.CALL_GATE;
import static dev.uhv.emulate.SegmentGdt.CODE32;
import static dev.uhv.emulate.SegmentGdt.CODE64_3;
import static dev.uhv.emulate.SegmentGdt.CONFORMING_READABLE_CODE;
import static dev.uhv.emulate.SegmentGdt.DATA;
import static dev.uhv.emulate.SegmentGdt.DATA3;
import static dev.uhv.emulate.SegmentGdt.DATA_ABSENT;
import static dev.uhv.emulate.SegmentGdt.EXECUTE_ONLY_CODE;
import static dev.uhv.emulate.SegmentGdt.READ_ONLY_DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.TableRegister;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MOV to DS/ES/FS/GS/SS, POP of a segment register, and LDS/LES/LFS/LGS/LSS against a guest GDT:
 * the checks of SDM Vol. 2B, MOV and POP, with their error codes, and what a load changes.
 */
class SegmentLoadEmulatorTest {
    private static final long STACK = 0x7000;
    private static final long POINTER = 0x5000;

    private final TestMachine t = new TestMachine();
    private final SegmentLoadEmulator emulator = new SegmentLoadEmulator();

    @BeforeEach
    void kernelOnItsOwnGdt() {
        SegmentGdt.install(t);
        t.regs.setRsp(STACK);
    }

    private void run(DecodedInstruction insn) throws GuestFault {
        assertEquals(Outcome.ADVANCE, emulator.emulate(insn, t.machine));
        assertEquals(TestMachine.RIP, t.regs.rip(), "emulators leave rip to the run loop");
    }

    /** mov seg, ax with ax = selector (the upper bits of rax are noise). */
    private void movWithAx(String hex, int selector) throws GuestFault {
        t.setGpr(GPR_RAX, 0xdead_0000L | selector);
        run(t.decode(hex));
    }

    private GuestFault movFault(String hex, int selector, int vector, long errorCode) {
        t.setGpr(GPR_RAX, selector);
        GuestFault f = t.fault(emulator, hex, vector);
        assertEquals(errorCode, f.errorCode(), f.getMessage());
        return f;
    }

    private int selector(Register segment) {
        return t.cpu.selector(segment);
    }

    private void atCpl3() {
        t.cpu.enterCode(CODE64_3 | 3, 64, 3);
    }

    @Test
    void movDsRecordsTheGuestSelectorOnly() throws GuestFault {
        movWithAx("8e d8", DATA);

        assertEquals(DATA, selector(Register.DS));
        assertEquals(0, t.regs.get(Register.DS), "the child keeps the host's DS");
    }

    @ParameterizedTest(name = "selector {0}")
    @CsvSource({"0", "3"})
    void aNullSelectorLoadsIntoDsAtAnyLevel(int nullSelector) throws GuestFault {
        atCpl3();
        t.cpu.setSelector(Register.DS, DATA3 | 3);

        movWithAx("8e d8", nullSelector);

        assertEquals(nullSelector, selector(Register.DS));
    }

    @Test
    void dataSegmentChecks() {
        movFault("8e d8", 0xa8, GuestFault.GP, 0xa8); // beyond the GDT limit
        movFault("8e d8", EXECUTE_ONLY_CODE, GuestFault.GP, EXECUTE_ONLY_CODE);
        movFault("8e c0", CALL_GATE, GuestFault.GP, CALL_GATE); // mov es: a system descriptor
        movFault("8e d8", DATA | 3, GuestFault.GP, DATA); // RPL3 > DPL0
        movFault("8e d8", DATA_ABSENT, GuestFault.NP, DATA_ABSENT);
        assertEquals(0, selector(Register.DS), "a failed load changes nothing");
        assertEquals(0, selector(Register.ES));
    }

    @Test
    void dataOfAMorePrivilegedLevelIsRefusedAtCpl3() {
        atCpl3();

        movFault("8e e0", DATA, GuestFault.GP, DATA); // mov fs: RPL0, but CPL3 > DPL0
    }

    @Test
    void readableCodeLoadsIntoDsAndConformingCodeFromAnyLevel() throws GuestFault {
        movWithAx("8e d8", CODE32);
        assertEquals(CODE32, selector(Register.DS));

        atCpl3();
        movWithAx("8e c0", CONFORMING_READABLE_CODE | 3);
        assertEquals(CONFORMING_READABLE_CODE | 3, selector(Register.ES));
    }

    @Test
    void movSsNeedsWritableDataAtCplWithRplCpl() throws GuestFault {
        movFault("8e d0", DATA | 1, GuestFault.GP, DATA); // RPL != CPL
        movFault("8e d0", READ_ONLY_DATA, GuestFault.GP, READ_ONLY_DATA);
        movFault("8e d0", CODE32, GuestFault.GP, CODE32);
        movFault("8e d0", DATA3, GuestFault.GP, DATA3); // DPL3 != CPL0
        movFault("8e d0", DATA_ABSENT, GuestFault.SS, DATA_ABSENT);
        assertEquals(DATA, selector(Register.SS));

        movWithAx("8e d0", BASED_DATA);
        assertEquals(BASED_DATA, selector(Register.SS));
    }

    @Test
    void a64BitKernelMayLoadANullSsWithRplCpl() throws GuestFault {
        movWithAx("8e d0", 0);

        assertEquals(0, selector(Register.SS));
    }

    @Test
    void aNullSsIsGp0AtCpl3WithAnotherRplAndOutside64BitMode() {
        movFault("8e d0", 1, GuestFault.GP, 0);

        atCpl3();
        movFault("8e d0", 3, GuestFault.GP, 0);

        t.cpu.enterCode(CODE32, 32, 0);
        t.setGpr(GPR_RAX, 0);
        GuestFault f = assertThrows(GuestFault.class, () -> emulator.emulate(t.decode32("8e d0"), t.machine));
        assertEquals(GuestFault.GP, f.vector());
        assertEquals(0, f.errorCode());
    }

    @Test
    void movFromMemory() throws GuestFault {
        t.memory.writeU16(POINTER, DATA3 | 3);
        t.setGpr(GPR_RAX, POINTER);

        run(t.decode("8e 28")); // mov gs, [rax]

        assertEquals(DATA3 | 3, selector(Register.GS));
    }

    /** Zydis refuses 8e c8 itself (a bad register); an instruction that names CS anyway is #UD. */
    @Test
    void movToCsIsUndefined() {
        DecodedInstruction movCs = new DecodedInstruction(Mnemonic.MOV, "mov", 2, 32, 64, 0, 0,
                List.of(new Operand.Reg(Register.CS, 16), new Operand.Reg(Register.AX, 16)));

        GuestFault f = assertThrows(GuestFault.class, () -> emulator.emulate(movCs, t.machine));

        assertEquals(GuestFault.UD, f.vector());
    }

    @Test
    void loadingFsOrGsIn64BitModeSetsTheBaseFromTheDescriptor() throws GuestFault {
        t.cpu.msrs().setFsBase(0x7fff_0000_0000L);

        movWithAx("8e e0", BASED_DATA); // mov fs, ax

        assertEquals(BASED_DATA, selector(Register.FS));
        assertEquals(BASED_DATA_BASE, t.cpu.msrs().fsBase());
        assertEquals(BASED_DATA_BASE, t.regs.fsBase(), "the child's real FS base");
    }

    @Test
    void aNullSelectorClearsTheBaseAsIntelCpusDo() throws GuestFault {
        t.cpu.msrs().setGsBase(0x7fff_0000_0000L);

        movWithAx("8e e8", 0); // mov gs, ax

        assertEquals(0, t.cpu.msrs().gsBase());
    }

    @Test
    void dsLoadsLeaveTheFsAndGsBasesAlone() throws GuestFault {
        t.cpu.msrs().setFsBase(0x1000);
        t.cpu.msrs().setGsBase(0x2000);

        movWithAx("8e d8", BASED_DATA);

        assertEquals(0x1000, t.cpu.msrs().fsBase());
        assertEquals(0x2000, t.cpu.msrs().gsBase());
    }

    @Test
    void popFsPopsEightBytesAndSetsTheBase() throws GuestFault {
        t.memory.writeU64(STACK, 0xdead_beef_0000_0000L | BASED_DATA);

        run(t.decode("0f a1"));

        assertEquals(BASED_DATA, selector(Register.FS));
        assertEquals(BASED_DATA_BASE, t.cpu.msrs().fsBase());
        assertEquals(STACK + 8, t.regs.rsp());
    }

    @Test
    void popGsWithAnOperandSizePrefixPopsTwoBytes() throws GuestFault {
        t.memory.writeU64(STACK, 0x0123_4567_89ab_0000L | DATA);

        run(t.decode("66 0f a9"));

        assertEquals(DATA, selector(Register.GS));
        assertEquals(STACK + 2, t.regs.rsp());
    }

    @Test
    void aFaultingPopLeavesRspAndTheSegmentAlone() {
        t.memory.writeU64(STACK, DATA_ABSENT);

        GuestFault f = t.fault(emulator, "0f a1", GuestFault.NP);

        assertEquals(DATA_ABSENT, f.errorCode());
        assertEquals(STACK, t.regs.rsp());
        assertEquals(0, selector(Register.FS));
    }

    @Test
    void popOutsideGuestRamIsAPageFault() {
        t.regs.setRsp(TestMachine.RAM_SIZE);

        GuestFault f = t.fault(emulator, "0f a1", GuestFault.PF);

        assertEquals(TestMachine.RAM_SIZE, f.faultAddress());
    }

    @Test
    void popDsIn32BitCodeUsesEsp() throws GuestFault {
        t.cpu.enterCode(CODE32, 32, 0);
        t.regs.setRsp(0xffff_ffff_0000_0000L | STACK); // compatibility mode uses ESP only
        t.memory.writeU32(STACK, DATA);

        run(t.decode32("1f"));

        assertEquals(DATA, selector(Register.DS));
        assertEquals(STACK + 4, t.regs.rsp());
    }

    @Test
    void lssLoadsSsAndRspFromAnM16Colon64() throws GuestFault {
        t.memory.writeU64(POINTER, 0xffff_8000_0000_9000L);
        t.memory.writeU16(POINTER + 8, DATA);
        t.cpu.setSelector(Register.SS, 0);
        t.setGpr(GPR_RAX, POINTER);

        run(t.decode("48 0f b2 20")); // lss rsp, [rax]

        assertEquals(DATA, selector(Register.SS));
        assertEquals(0xffff_8000_0000_9000L, t.regs.rsp());
    }

    @Test
    void lfsLoadsFsItsBaseAndA32BitRegister() throws GuestFault {
        t.memory.writeU32(POINTER, 0x8765_4321L);
        t.memory.writeU16(POINTER + 4, BASED_DATA);
        t.setGpr(GPR_RAX, POINTER);

        run(t.decode("0f b4 00")); // lfs eax, [rax]

        assertEquals(BASED_DATA, selector(Register.FS));
        assertEquals(BASED_DATA_BASE, t.cpu.msrs().fsBase());
        assertEquals(0x8765_4321L, t.gpr(GPR_RAX), "a 32-bit destination zero-extends");
    }

    @Test
    void aFaultingLgsLeavesTheRegisterAlone() {
        t.memory.writeU32(POINTER, 0x1111);
        t.memory.writeU16(POINTER + 4, DATA_ABSENT);
        t.setGpr(GPR_RAX, POINTER);

        GuestFault f = t.fault(emulator, "0f b5 00", GuestFault.NP); // lgs eax, [rax]

        assertEquals(DATA_ABSENT, f.errorCode());
        assertEquals(POINTER, t.gpr(GPR_RAX));
    }

    @Test
    void ldsIn32BitCode() throws GuestFault {
        t.cpu.enterCode(CODE32, 32, 0);
        t.memory.writeU32(POINTER, 0x4000);
        t.memory.writeU16(POINTER + 4, DATA);
        t.setGpr(GPR_RBX, POINTER);

        run(t.decode32("c5 03")); // lds eax, [ebx]

        assertEquals(DATA, selector(Register.DS));
        assertEquals(0x4000, t.gpr(GPR_RAX));
    }

    @Test
    void takesOnlyMovesAndPopsToSegmentRegisters() {
        assertTrue(emulator.accepts(t.decode("8e d8")));
        assertTrue(emulator.accepts(t.decode("0f a1")));
        assertTrue(emulator.accepts(t.decode("0f b2 00")));
        assertFalse(emulator.accepts(t.decode("0f 22 c0")), "mov cr0, rax");
        assertFalse(emulator.accepts(t.decode("8c d8")), "mov eax, ds");
        assertFalse(emulator.accepts(t.decode("58")), "pop rax");
        assertFalse(emulator.accepts(t.decode("8f 00")), "pop [rax]");
    }

    @Test
    void theBootGdtServesUntilTheGuestLoadsOne() throws GuestFault {
        TestMachine boot = new TestMachine();
        boot.cpu.tables().setGdtr(new TableRegister(0, 0)); // uhv's entry state: no GDT loaded
        boot.setGpr(GPR_RAX, GuestDescriptors.BOOT_DATA_SELECTOR);

        assertEquals(Outcome.ADVANCE, boot.run(emulator, "8e d8"));

        assertEquals(GuestDescriptors.BOOT_DATA_SELECTOR, boot.cpu.selector(Register.DS));
    }
}
