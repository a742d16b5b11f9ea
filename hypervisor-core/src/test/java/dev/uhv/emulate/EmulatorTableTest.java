package dev.uhv.emulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.uhv.decoder.Mnemonic;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dispatch from decoded instructions to the family that emulates them. */
class EmulatorTableTest {
    private final TestMachine t = new TestMachine();
    private final EmulatorTable table = EmulatorTable.standard();

    private Emulator find(String hex) {
        return table.find(t.decode(hex));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource({
        "0f 22 c0, ControlRegisterEmulator, mov cr0 rax",
        "0f 20 d8, ControlRegisterEmulator, mov rax cr3",
        "44 0f 22 c0, ControlRegisterEmulator, mov cr8 rax",
        "0f 06, ControlRegisterEmulator, clts",
        "0f 01 f0, ControlRegisterEmulator, lmsw ax",
        "0f 23 f8, DebugRegisterEmulator, mov dr7 rax",
        "0f 21 c0, DebugRegisterEmulator, mov rax dr0",
        "0f 32, MsrEmulator, rdmsr",
        "0f 30, MsrEmulator, wrmsr",
        "0f a2, CpuidEmulator, cpuid",
        "e4 80, PortIoEmulator, in al imm8",
        "ed, PortIoEmulator, in eax dx",
        "e6 80, PortIoEmulator, out imm8 al",
        "66 ef, PortIoEmulator, out dx ax",
        "f3 6c, PortIoEmulator, rep insb",
        "66 6d, PortIoEmulator, insw",
        "6d, PortIoEmulator, insd",
        "f3 6e, PortIoEmulator, rep outsb",
        "66 6f, PortIoEmulator, outsw",
        "6f, PortIoEmulator, outsd",
        "0f 01 10, DescriptorTableEmulator, lgdt",
        "0f 01 18, DescriptorTableEmulator, lidt",
        "0f 01 00, DescriptorTableEmulator, sgdt",
        "0f 01 08, DescriptorTableEmulator, sidt",
        "0f 00 d0, DescriptorTableEmulator, lldt",
        "0f 00 d8, DescriptorTableEmulator, ltr",
        "0f 00 c0, DescriptorTableEmulator, sldt",
        "0f 00 c8, DescriptorTableEmulator, str",
        "0f 01 e0, DescriptorTableEmulator, smsw",
        "f4, SystemEmulator, hlt",
        "fa, SystemEmulator, cli",
        "fb, SystemEmulator, sti",
        "0f 01 f8, SystemEmulator, swapgs",
        "0f 01 38, SystemEmulator, invlpg",
        "66 0f 38 82 03, SystemEmulator, invpcid",
        "0f 09, SystemEmulator, wbinvd",
        "0f 08, SystemEmulator, invd",
        "0f 01 d1, SystemEmulator, xsetbv",
        "0f 31, TimeStampEmulator, rdtsc",
        "0f 01 f9, TimeStampEmulator, rdtscp",
        "0f 05, SystemCallEmulator, syscall",
        "0f 34, SystemCallEmulator, sysenter",
        "0f 07, SystemCallEmulator, sysret",
        "0f 35, SystemCallEmulator, sysexit",
        "cd 80, InterruptEmulator, int 0x80",
        "cd 21, InterruptEmulator, int 0x21",
        "8e d8, SegmentLoadEmulator, mov ds ax",
        "8e d0, SegmentLoadEmulator, mov ss ax",
        "0f a1, SegmentLoadEmulator, pop fs",
        "0f a9, SegmentLoadEmulator, pop gs",
        "0f b2 00, SegmentLoadEmulator, lss",
        "0f b4 00, SegmentLoadEmulator, lfs",
        "0f b5 00, SegmentLoadEmulator, lgs",
        "8c c8, SegmentReadEmulator, mov ax cs",
        "66 8c c8, SegmentReadEmulator, mov ax cs (66h)",
        "48 8c d8, SegmentReadEmulator, mov rax ds",
        "8c 23, SegmentReadEmulator, mov [rbx] fs",
        "0f a0, SegmentReadEmulator, push fs",
        "0f a8, SegmentReadEmulator, push gs",
        "9c, FlagsEmulator, pushfq",
        "66 9c, FlagsEmulator, pushf",
        "9d, FlagsEmulator, popfq",
        "66 9d, FlagsEmulator, popf",
        "48 ff 2c 24, FarTransferEmulator, ljmp m16:64",
        "ff 18, FarTransferEmulator, lcall m16:32",
        "cb, FarTransferEmulator, lret",
        "48 cb, FarTransferEmulator, lretq",
        "ca 08 00, FarTransferEmulator, lret imm16",
        "cf, FarTransferEmulator, iretd",
        "48 cf, FarTransferEmulator, iretq"})
    void dispatchesEachFamilysInstructions(String hex, String emulatorClass, String what) {
        Emulator e = find(hex);

        assertNotNull(e, what);
        assertEquals(emulatorClass, e.getClass().getSimpleName(), what);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "48 8b 03", // mov rax, [rbx]
        "48 89 d8", // mov rax, rbx
        "48 89 03", // mov [rbx], rax
        "c7 00 01 00 00 00", // mov dword [rax], 1
        "58", // pop rax
        "50", // push rax
        "ff 30", // push qword [rax]
        "6a 01", // push 1
        "c3", // near ret
        "ff e0", // near jmp rax
        "e8 00 00 00 00", // near call
        "cc", // int3
        "90", // nop
        "0f 0b", // ud2
        "0f 01 d0"}) // xgetbv: runs natively
    void findsNothingForInstructionsUhvDoesNotEmulate(String hex) {
        assertNull(find(hex));
    }

    /** Which instructions the trap handler refuses at CPL3 with #GP(0) before emulating them. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "0f 22 c0, true", // mov cr0, rax
        "0f 23 f8, true", // mov dr7, rax
        "0f 32, true", // rdmsr
        "f4, true", // hlt
        "0f 01 10, true", // lgdt
        "fa, false", // cli: IOPL decides
        "e6 e9, false", // out: IOPL and the I/O bitmap decide
        "0f a2, false", // cpuid
        "0f 31, false", // rdtsc: CR4.TSD decides
        "0f 01 00, false", // sgdt: CR4.UMIP decides
        "48 0f 07, false", // sysret: #UD first
        "cd 21, false", // int n: the gate's DPL decides
        "9d, false", // popfq: CPL and IOPL decide which flags change, never a fault
        "9c, false", // pushfq
        "8c c8, false", // mov eax, cs
        "0f a8, false", // push gs
        "48 cf, false"}) // iretq
    void privilegedInstructionsAreThoseThatNeedCpl0(String hex, boolean privileged) {
        TestMachine t = new TestMachine();
        assertEquals(privileged, find(hex).privileged(t.decode(hex)), hex);
    }

    @Test
    void familiesNameThemselves() {
        assertEquals(InstructionFamily.CONTROL_REGISTER, find("0f 22 c0").family());
        assertEquals(InstructionFamily.DEBUG_REGISTER, find("0f 23 f8").family());
        assertEquals(InstructionFamily.MSR, find("0f 32").family());
        assertEquals(InstructionFamily.CPUID, find("0f a2").family());
        assertEquals(InstructionFamily.PORT_IO, find("ed").family());
        assertEquals(InstructionFamily.DESCRIPTOR_TABLE, find("0f 01 10").family());
        assertEquals(InstructionFamily.SYSTEM, find("f4").family());
        assertEquals(InstructionFamily.TIME_STAMP, find("0f 31").family());
        assertEquals(InstructionFamily.SYSTEM_CALL, find("0f 05").family());
        assertEquals(InstructionFamily.SEGMENT, find("8e d8").family());
        assertEquals(InstructionFamily.FAR_TRANSFER, find("48 cf").family());
        assertEquals(InstructionFamily.SEGMENT, find("8c c8").family());
        assertEquals(InstructionFamily.FLAGS, find("9c").family());
    }

    /**
     * The segment-register reads join MOV's owners: moves with control, debug and segment registers
     * as the destination, and plain moves, still go where they went.
     */
    @ParameterizedTest(name = "{2}: {0}")
    @CsvSource({
        "8c c8, SegmentReadEmulator, mov ax cs",
        "0f 22 c0, ControlRegisterEmulator, mov cr0 rax",
        "0f 20 c0, ControlRegisterEmulator, mov rax cr0",
        "0f 21 f8, DebugRegisterEmulator, mov rax dr7",
        "66 8e d8, SegmentLoadEmulator, mov ds ax",
        "8e 18, SegmentLoadEmulator, mov ds [rax]"})
    void movGoesToTheFamilyOfItsSpecialRegister(String hex, String emulatorClass, String what) {
        assertEquals(emulatorClass, find(hex).getClass().getSimpleName(), what);
    }

    @Test
    void aPlainMovIsNoFamilysEvenWithTheSegmentReadsInTheTable() {
        assertNull(find("8b 00"), "mov eax, [rax]");
        assertNull(find("89 00"), "mov [rax], eax");
        assertNull(find("66 8b c3"), "mov ax, bx");
    }

    @Test
    void pushfqAndMovFromCsGoToTheirOwnFamilies() {
        assertEquals(FlagsEmulator.class, find("9c").getClass());
        assertEquals(FlagsEmulator.class, find("48 9d").getClass());
        assertEquals(SegmentReadEmulator.class, find("8c c8").getClass());
        assertEquals(SegmentReadEmulator.class, table.find(t.decode32("0e")).getClass(), "push cs in 32-bit code");
        assertEquals(SegmentReadEmulator.class, table.find(t.decode32("66 1e")).getClass(), "push ds, 16 bits");
        assertEquals(FlagsEmulator.class, table.find(t.decode32("9c")).getClass(), "pushfd");
    }

    @Test
    void onlyMovIsSharedBetweenFamilies() {
        List<Emulator> all = List.of(new ControlRegisterEmulator(), new DebugRegisterEmulator(), new MsrEmulator(),
                new CpuidEmulator(), new PortIoEmulator(), new DescriptorTableEmulator(), new SystemEmulator(),
                new TimeStampEmulator(), new SystemCallEmulator(null), new InterruptEmulator(null),
                new SegmentLoadEmulator(), new SegmentReadEmulator(), new FarTransferEmulator(),
                new FlagsEmulator());
        Map<Mnemonic, Integer> owners = new EnumMap<>(Mnemonic.class);
        for (Emulator e : all) {
            for (Mnemonic m : e.mnemonics()) {
                owners.merge(m, 1, Integer::sum);
            }
        }

        owners.values().removeIf(n -> n == 1);
        assertEquals(Map.of(Mnemonic.MOV, 4), owners);
    }

    @Test
    void aTableWithoutTheControlRegisterFamilyFindsNoEmulatorForMovCr() {
        EmulatorTable onlyDebug = new EmulatorTable(List.of(new DebugRegisterEmulator()));

        assertNull(onlyDebug.find(t.decode("0f 22 c0")));
        assertEquals(DebugRegisterEmulator.class, onlyDebug.find(t.decode("0f 23 f8")).getClass());
    }

    @Test
    void anEmptyTableFindsNothing() {
        assertNull(new EmulatorTable(List.of()).find(t.decode("f4")));
    }
}
