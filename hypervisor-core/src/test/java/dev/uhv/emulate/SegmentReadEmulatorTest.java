package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Register;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * `mov r/m, Sreg` and PUSH Sreg give the guest's selectors, not the host's, with the destination
 * widths of SDM Vol. 2B, MOV and PUSH, in 64-bit and 32-bit code.
 */
class SegmentReadEmulatorTest {
    private static final long STACK = 0x7000;
    private static final long DATA = 0x5000;
    private static final long NOISE = 0x5a5a_5a5a_5a5a_5a5aL;
    private static final long ALL_ONES = -1L;
    /** Guest selectors, one per segment register, none of them the host's. */
    private static final int ES = 0x18, CS = 0x08, SS = 0x10, DS = 0x20, FS = 0x28, GS = 0x30;

    private TestMachine t = new TestMachine();
    private final SegmentReadEmulator emulator = new SegmentReadEmulator();

    @BeforeEach
    void kernelWithItsOwnSelectors() {
        loadSelectors(64, 0);
    }

    private void loadSelectors(int bits, int cpl) {
        t.cpu.enterCode(CS | cpl, bits, cpl);
        t.cpu.setSelector(Register.ES, ES);
        t.cpu.setSelector(Register.SS, SS | cpl);
        t.cpu.setSelector(Register.DS, DS);
        t.cpu.setSelector(Register.FS, FS);
        t.cpu.setSelector(Register.GS, GS | 3);
        t.regs.setRsp(STACK);
        for (long a = STACK - 0x20; a < STACK + 0x20; a += 8) {
            t.memory.write(a, 8, NOISE);
        }
        t.memory.write(DATA, 8, NOISE);
    }

    private void in32BitCode(int cpl) {
        t = new TestMachine(0);
        loadSelectors(32, cpl);
    }

    private void run(DecodedInstruction insn) throws GuestFault {
        assertTrue(emulator.accepts(insn), insn.toString());
        assertFalse(emulator.privileged(insn), "reads of segment registers run at any CPL");
        assertEquals(Outcome.ADVANCE, emulator.emulate(insn, t.machine));
        assertEquals(TestMachine.RIP, t.regs.rip(), "emulators leave rip to the run loop");
    }

    private void run(String hex) throws GuestFault {
        run(t.decode(hex));
    }

    // --- mov r/m, Sreg ---

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "8c c0, ES, 0x18",
        "8c c8, CS, 0x08",
        "8c d0, SS, 0x10",
        "8c d8, DS, 0x20",
        "8c e0, FS, 0x28",
        "8c e8, GS, 0x33"})
    void movToA32BitRegisterZeroExtendsTheGuestsSelector(String hex, String segment, int selector)
            throws GuestFault {
        t.setGpr(GPR_RAX, ALL_ONES);

        run(hex);

        assertEquals(selector, t.gpr(GPR_RAX), segment + ": zero-extended through bit 63");
    }

    @Test
    void movFromCsIsTheGuestsCodeSelectorNotTheHosts() throws GuestFault {
        assertEquals(VirtualCpu.HOST_CODE64, t.regs.cs(), "the child runs on the host's 0x33 ...");

        run("8c c8");

        assertEquals(CS, t.gpr(GPR_RAX), "... but the guest reads its own CS");
        assertNotEquals(VirtualCpu.HOST_CODE64, t.gpr(GPR_RAX));
    }

    @Test
    void movFromCsAtCpl3CarriesRpl3() throws GuestFault {
        loadSelectors(64, 3);

        run("8c c8");
        assertEquals(CS | 3, t.gpr(GPR_RAX));
        run("8c d0");
        assertEquals(SS | 3, t.gpr(GPR_RAX));
    }

    @Test
    void movToA16BitRegisterChangesOnlyItsLow16Bits() throws GuestFault {
        t.setGpr(GPR_RAX, ALL_ONES);

        run("66 8c d8"); // mov ax, ds

        assertEquals(0xffff_ffff_ffff_0000L | DS, t.gpr(GPR_RAX));
    }

    @Test
    void movToA64BitRegisterZeroExtends() throws GuestFault {
        t.setGpr(GPR_RBX, ALL_ONES);

        run("48 8c e3"); // mov rbx, fs

        assertEquals(FS, t.gpr(GPR_RBX));
    }

    @Test
    void movToAnExtendedRegister() throws GuestFault {
        t.regs.setGpr(8, ALL_ONES);
        t.regs.setGpr(9, ALL_ONES);

        run("41 8c c0"); // mov r8d, es
        run("66 41 8c e9"); // mov r9w, gs

        assertEquals(ES, t.regs.gpr(8));
        assertEquals(0xffff_ffff_ffff_0000L | GS | 3, t.regs.gpr(9));
    }

    /** To memory the store is 16 bits whatever the operand size (SDM Vol. 2B, MOV). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"8c 18", "66 8c 18", "48 8c 18"})
    void movToMemoryStores16Bits(String hex) throws GuestFault {
        t.setGpr(GPR_RAX, DATA);

        run(hex); // mov [rax], ds

        assertEquals((NOISE & ~0xffffL) | DS, t.memory.read(DATA, 8));
    }

    @Test
    void movToMemoryWithADisplacementAndAnFsOverride() throws GuestFault {
        t.cpu.msrs().setFsBase(0x4000);
        t.setGpr(GPR_RBX, 0xf00);

        run("64 8c 93 00 01 00 00"); // mov fs:[rbx + 0x100], ss

        assertEquals((NOISE & ~0xffffL) | SS, t.memory.read(DATA, 8));
    }

    @Test
    void movToMemoryOutsideGuestRamIsAWritePageFault() {
        t.setGpr(GPR_RAX, TestMachine.RAM_SIZE + 0x10L);
        loadSelectors(64, 3);

        GuestFault f = t.fault(emulator, "8c 08", GuestFault.PF);

        assertEquals(Machine.PF_WRITE | Machine.PF_USER, f.errorCode());
    }

    @Test
    void movIn32BitCode() throws GuestFault {
        in32BitCode(0);
        t.setGpr(GPR_RAX, ALL_ONES);
        t.setGpr(GPR_RBX, DATA);

        run(t.decode32("8c c8")); // mov eax, cs
        assertEquals(CS, t.gpr(GPR_RAX));

        t.setGpr(GPR_RAX, ALL_ONES);
        run(t.decode32("66 8c d8")); // mov ax, ds
        assertEquals(0xffff_ffff_ffff_0000L | DS, t.gpr(GPR_RAX));

        run(t.decode32("8c 03")); // mov [ebx], es
        assertEquals((NOISE & ~0xffffL) | ES, t.memory.read(DATA, 8));
    }

    // --- push Sreg ---

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0f a0, 0x28", "0f a8, 0x33", "48 0f a0, 0x28"})
    void pushIn64BitModeWritesAZeroExtended8ByteSlot(String hex, int selector) throws GuestFault {
        run(hex);

        assertEquals(STACK - 8, t.regs.rsp());
        assertEquals(selector, t.memory.read(STACK - 8, 8), "the selector, zero-extended over the whole slot");
        assertEquals(NOISE, t.memory.read(STACK, 8));
    }

    @Test
    void pushWith66WritesTwoBytes() throws GuestFault {
        run("66 0f a0"); // pushw fs

        assertEquals(STACK - 2, t.regs.rsp());
        assertEquals(FS, t.memory.read(STACK - 2, 2));
        assertEquals(NOISE, t.memory.read(STACK - 10, 8), "nothing else written");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "06, 0x18",
        "0e, 0x0b",
        "16, 0x13",
        "1e, 0x20",
        "0f a0, 0x28",
        "0f a8, 0x33"})
    void pushIn32BitCodeWritesAZeroExtended4ByteSlot(String hex, int selector) throws GuestFault {
        in32BitCode(3);

        run(t.decode32(hex));

        assertEquals(STACK - 4, t.regs.rsp());
        assertEquals(selector, t.memory.read(STACK - 4, 4));
        assertEquals(NOISE, t.memory.read(STACK, 8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"66 0e, 0x08", "66 1e, 0x20", "66 0f a8, 0x33"})
    void pushIn32BitCodeWith66WritesTwoBytes(String hex, int selector) throws GuestFault {
        in32BitCode(0);

        run(t.decode32(hex));

        assertEquals(STACK - 2, t.regs.rsp());
        assertEquals(selector, t.memory.read(STACK - 2, 2));
        assertEquals(NOISE & 0xffff, t.memory.read(STACK - 4, 2));
    }

    @Test
    void pushOutsideGuestRamIsAPageFaultThatKeepsRsp() {
        t.regs.setRsp(TestMachine.RAM_SIZE + 8L);

        GuestFault f = t.fault(emulator, "0f a8", GuestFault.PF);

        assertEquals(Machine.PF_WRITE, f.errorCode());
        assertEquals(TestMachine.RAM_SIZE + 8L, t.regs.rsp());
    }

    @Test
    void pushToANonCanonicalStackIsAStackFault() {
        t.regs.setRsp(0x0000_8000_0000_0004L);

        t.fault(emulator, "0f a0", GuestFault.SS);

        assertEquals(0x0000_8000_0000_0004L, t.regs.rsp());
    }

    // --- what it takes ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "8e d8", // mov ds, ax: a load
        "8e 18", // mov ds, [rax]
        "0f 22 c0", // mov cr0, rax
        "0f 20 c0", // mov rax, cr0
        "0f 21 f8", // mov rax, dr7
        "8b 00", // mov eax, [rax]
        "89 00", // mov [rax], eax
        "48 89 d8", // mov rax, rbx
        "50", // push rax
        "ff 30", // push qword [rax]
        "6a 01"}) // push 1
    void acceptsOnlyReadsOfSegmentRegisters(String hex) {
        assertFalse(emulator.accepts(t.decode(hex)), hex);
    }

    @Test
    void sharesTheSegmentFamily() {
        assertEquals(InstructionFamily.SEGMENT, emulator.family());
    }
}
