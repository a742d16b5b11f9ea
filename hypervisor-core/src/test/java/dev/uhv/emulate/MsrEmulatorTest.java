package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static dev.uhv.cpu.RegisterFile.GPR_RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Msr;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RDMSR and WRMSR through decoded instructions: ecx selects, edx:eax carries the value, results
 * zero-extend into rax and rdx (SDM Vol. 2B). The per-MSR rules are in MsrFileTest; a few are
 * repeated here to show a #GP leaves the registers alone.
 */
class MsrEmulatorTest {
    private static final String RDMSR = "0f 32";
    private static final String WRMSR = "0f 30";
    private static final long GARBAGE = 0xdead_beef_0000_0000L;

    private final TestMachine t = new TestMachine();
    private final MsrEmulator emulator = new MsrEmulator();

    private void wrmsr(int index, long value) throws GuestFault {
        t.setGpr(GPR_RCX, index);
        t.setGpr(GPR_RAX, GARBAGE | (value & 0xffff_ffffL));
        t.setGpr(GPR_RDX, GARBAGE | (value >>> 32));
        assertEquals(Outcome.ADVANCE, t.run(emulator, WRMSR));
        assertEquals(TestMachine.RIP, t.regs.rip());
    }

    private long rdmsr(int index) throws GuestFault {
        t.setGpr(GPR_RCX, index);
        t.setGpr(GPR_RAX, -1L);
        t.setGpr(GPR_RDX, -1L);
        assertEquals(Outcome.ADVANCE, t.run(emulator, RDMSR));
        assertEquals(TestMachine.RIP, t.regs.rip());
        long eax = t.gpr(GPR_RAX);
        long edx = t.gpr(GPR_RDX);
        assertEquals(0, eax >>> 32, "rdmsr zero-extends eax into rax");
        assertEquals(0, edx >>> 32, "rdmsr zero-extends edx into rdx");
        return edx << 32 | eax;
    }

    private void wrmsrGp(int index, long value) {
        t.setGpr(GPR_RCX, index);
        t.setGpr(GPR_RAX, value & 0xffff_ffffL);
        t.setGpr(GPR_RDX, value >>> 32);
        t.fault(emulator, WRMSR, GuestFault.GP);
    }

    /** Each modelled, writable MSR with a value to write and what rdmsr returns after it. */
    static Stream<Arguments> writableMsrs() {
        return Stream.of(
                Arguments.of(Msr.TSC, 0x1_2345_6789L, 0x1_2345_6789L),
                Arguments.of(Msr.APIC_BASE, 0xfed0_0800L, 0xfed0_0900L), // BSP kept
                Arguments.of(Msr.SYSENTER_CS, 0x10L, 0x10L),
                Arguments.of(Msr.SYSENTER_ESP, 0xffff_8800_0000_8000L, 0xffff_8800_0000_8000L),
                Arguments.of(Msr.SYSENTER_EIP, 0xffff_ffff_8100_1000L, 0xffff_ffff_8100_1000L),
                Arguments.of(Msr.MISC_ENABLE, 0x1L, 0x1L),
                Arguments.of(Msr.PAT, 0x0007_0106_0007_0406L, 0x0007_0106_0007_0406L),
                Arguments.of(Msr.MTRR_DEF_TYPE, 0xc06L, 0xc06L),
                Arguments.of(Msr.EFER, 0x501L, 0x501L),
                Arguments.of(Msr.STAR, 0x0023_0010_0000_0000L, 0x0023_0010_0000_0000L),
                Arguments.of(Msr.LSTAR, 0xffff_ffff_8180_0000L, 0xffff_ffff_8180_0000L),
                Arguments.of(Msr.CSTAR, 0xffff_ffff_8180_1000L, 0xffff_ffff_8180_1000L),
                Arguments.of(Msr.SFMASK, 0x4_7700L, 0x4_7700L),
                Arguments.of(Msr.FS_BASE, 0x7f12_3456_7000L, 0x7f12_3456_7000L),
                Arguments.of(Msr.GS_BASE, 0xffff_8880_1234_0000L, 0xffff_8880_1234_0000L), // kept virtually
                Arguments.of(Msr.KERNEL_GS_BASE, 0xffff_8880_5678_0000L, 0xffff_8880_5678_0000L),
                Arguments.of(Msr.TSC_AUX, 0x8000_0003L, 0x8000_0003L),
                Arguments.of(Msr.MTRR_PHYSBASE0, 0x8000_0006L, 0x8000_0006L),
                Arguments.of(Msr.MTRR_PHYSMASK0, 0xffff_8000_0800L, 0xffff_8000_0800L),
                Arguments.of(Msr.MTRR_PHYSBASE1, 0x1_0000_0000L, 0x1_0000_0000L),
                Arguments.of(Msr.MTRR_PHYSMASK1, 0xfffe_0000_0800L, 0xfffe_0000_0800L),
                Arguments.of(Msr.MTRR_PHYSBASE2, 0x4L, 0x4L),
                Arguments.of(Msr.MTRR_PHYSMASK2, 0x800L, 0x800L),
                Arguments.of(Msr.MTRR_PHYSBASE3, 0x5L, 0x5L),
                Arguments.of(Msr.MTRR_PHYSMASK3, 0x8000_0800L, 0x8000_0800L),
                Arguments.of(Msr.MTRR_PHYSBASE4, 0x1L, 0x1L),
                Arguments.of(Msr.MTRR_PHYSMASK4, 0xf000_0800L, 0xf000_0800L),
                Arguments.of(Msr.MTRR_PHYSBASE5, 0x6_0000_0006L, 0x6_0000_0006L),
                Arguments.of(Msr.MTRR_PHYSMASK5, 0xffff_ffff_f800L, 0xffff_ffff_f800L),
                Arguments.of(Msr.MTRR_PHYSBASE6, 0xa000_0000L, 0xa000_0000L),
                Arguments.of(Msr.MTRR_PHYSMASK6, 0xffff_e000_0800L, 0xffff_e000_0800L),
                Arguments.of(Msr.MTRR_PHYSBASE7, 0xc000_0005L, 0xc000_0005L),
                Arguments.of(Msr.MTRR_PHYSMASK7, 0xffff_c000_0000L, 0xffff_c000_0000L),
                Arguments.of(Msr.MTRR_FIX64K_00000, 0x0606_0606_0606_0606L, 0x0606_0606_0606_0606L),
                Arguments.of(Msr.MTRR_FIX16K_80000, 0x0606_0606_0606_0606L, 0x0606_0606_0606_0606L),
                Arguments.of(Msr.MTRR_FIX16K_A0000, 0x0000_0000_0000_0000L, 0L),
                Arguments.of(Msr.MTRR_FIX4K_C0000, 0x0505_0505_0505_0505L, 0x0505_0505_0505_0505L),
                Arguments.of(Msr.MTRR_FIX4K_C8000, 0x0101_0101_0101_0101L, 0x0101_0101_0101_0101L),
                Arguments.of(Msr.MTRR_FIX4K_D0000, 0x0404_0404_0404_0404L, 0x0404_0404_0404_0404L),
                Arguments.of(Msr.MTRR_FIX4K_D8000, 0x0006_0500_0401_0006L, 0x0006_0500_0401_0006L),
                Arguments.of(Msr.MTRR_FIX4K_E0000, 0x0606_0606_0606_0606L, 0x0606_0606_0606_0606L),
                Arguments.of(Msr.MTRR_FIX4K_E8000, 0x0606_0606_0606_0606L, 0x0606_0606_0606_0606L),
                Arguments.of(Msr.MTRR_FIX4K_F0000, 0x0505_0505_0606_0606L, 0x0505_0505_0606_0606L),
                Arguments.of(Msr.MTRR_FIX4K_F8000, 0x0606_0606_0606_0606L, 0x0606_0606_0606_0606L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writableMsrs")
    void everyWritableMsrRoundTripsThroughWrmsrAndRdmsr(Msr msr, long value, long expected) throws GuestFault {
        wrmsr(msr.index(), value);

        assertEquals(expected, rdmsr(msr.index()));
        assertEquals(expected, t.cpu.msrs().snapshot().get(msr.name()));
    }

    @Test
    void everyMsrIsCoveredByTheRoundTrip() {
        // MTRRCAP is read-only: mtrrCapReadsItsValueAndWriteIsGp.
        assertEquals(Msr.values().length - 1, writableMsrs().count());
    }

    @Test
    void mtrrCapReadsItsValueAndWriteIsGp() throws GuestFault {
        assertEquals(0x508L, rdmsr(Msr.MTRRCAP.index()));

        wrmsrGp(Msr.MTRRCAP.index(), 0x508L);
    }

    @Test
    void rdmsrSplitsTheValueIntoEdxAndEax() throws GuestFault {
        wrmsr(Msr.LSTAR.index(), 0xffff_ffff_8180_0000L);

        rdmsr(Msr.LSTAR.index());

        assertEquals(0x8180_0000L, t.gpr(GPR_RAX));
        assertEquals(0xffff_ffffL, t.gpr(GPR_RDX));
    }

    @Test
    void wrmsrIgnoresTheUpperHalvesOfRaxRdxAndRcx() throws GuestFault {
        t.setGpr(GPR_RCX, 0xffff_ffff_0000_0000L | Msr.STAR.index());
        t.setGpr(GPR_RAX, 0x1234_5678_0000_0001L);
        t.setGpr(GPR_RDX, 0x9abc_def0_0000_0002L);

        t.run(emulator, WRMSR);

        assertEquals(0x2_0000_0001L, t.cpu.msrs().read(Msr.STAR.index()));
    }

    @Test
    void fsAndGsBaseWritesLandInTheRegisterFile() throws GuestFault {
        wrmsr(Msr.FS_BASE.index(), 0x7f00_0000_1000L);
        wrmsr(Msr.GS_BASE.index(), 0x0000_5555_0000_2000L);

        assertEquals(0x7f00_0000_1000L, t.regs.fsBase());
        assertEquals(0x0000_5555_0000_2000L, t.regs.gsBase());
    }

    @Test
    void tscReadsTheHostTscPlusTheOffsetAWriteSets() throws GuestFault {
        t.hostTsc = 1_000_000;
        assertEquals(1_000_000, rdmsr(Msr.TSC.index()));

        wrmsr(Msr.TSC.index(), 50);
        t.hostTsc = 1_000_700;

        assertEquals(750, rdmsr(Msr.TSC.index()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"LSTAR", "CSTAR", "FS_BASE", "GS_BASE", "KERNEL_GS_BASE", "SYSENTER_ESP", "SYSENTER_EIP"})
    void nonCanonicalAddressIsGp(String name) throws GuestFault {
        Msr msr = Msr.valueOf(name);
        long before = rdmsr(msr.index());

        wrmsrGp(msr.index(), 0x0000_8000_0000_0000L);

        assertEquals(before, rdmsr(msr.index()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SFMASK", "TSC_AUX"})
    void highBitsOfThirtyTwoBitMsrsAreGp(String name) throws GuestFault {
        wrmsrGp(Msr.valueOf(name).index(), 1L << 32 | 1);

        assertEquals(0, rdmsr(Msr.valueOf(name).index()));
    }

    @Test
    void eferReservedBitIsGp() throws GuestFault {
        wrmsrGp(Msr.EFER.index(), TestMachine.EFER | 1L << 2);

        assertEquals(TestMachine.EFER, rdmsr(Msr.EFER.index()));
    }

    @Test
    void eferChangingLmeIsGp() throws GuestFault {
        wrmsrGp(Msr.EFER.index(), 0x401);

        assertEquals(TestMachine.EFER, rdmsr(Msr.EFER.index()));
    }

    @Test
    void eferLmaIsPreservedWhenTheWriteClearsIt() throws GuestFault {
        wrmsr(Msr.EFER.index(), 0x901);

        assertEquals(0xd01, rdmsr(Msr.EFER.index()));
    }

    @Test
    void apicBaseReservedBitAndTheInvalidStateAreGpAndBspIsPreserved() throws GuestFault {
        wrmsrGp(Msr.APIC_BASE.index(), 0xfee0_0800L | 1L << 9);
        wrmsrGp(Msr.APIC_BASE.index(), 0xfee0_0000L | 1L << 10); // EXTD without EN

        wrmsr(Msr.APIC_BASE.index(), 0xfee0_0800L);

        assertEquals(0xfee0_0900L, rdmsr(Msr.APIC_BASE.index()));
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3})
    void patWithTypeTwoOrThreeIsGp(long type) throws GuestFault {
        wrmsrGp(Msr.PAT.index(), 0x0007_0406_0007_0400L | type);

        assertEquals(0x0007_0406_0007_0406L, rdmsr(Msr.PAT.index()));
    }

    @Test
    void mtrrDefTypeInvalidTypeOrReservedBitIsGp() throws GuestFault {
        wrmsrGp(Msr.MTRR_DEF_TYPE.index(), 0x802);
        wrmsrGp(Msr.MTRR_DEF_TYPE.index(), 0x806 | 1L << 9);

        assertEquals(0, rdmsr(Msr.MTRR_DEF_TYPE.index()));
    }

    @Test
    void unknownMsrIsGpAndLeavesEdxEaxAlone() {
        t.setGpr(GPR_RCX, 0x8b); // IA32_BIOS_SIGN_ID: not modelled
        t.setGpr(GPR_RAX, 0x1111);
        t.setGpr(GPR_RDX, 0x2222);

        t.fault(emulator, RDMSR, GuestFault.GP);
        t.fault(emulator, WRMSR, GuestFault.GP);

        assertEquals(0x1111, t.gpr(GPR_RAX));
        assertEquals(0x2222, t.gpr(GPR_RDX));
    }

    @Test
    void ignoreMsrsReadsUnknownMsrsAsZero() throws GuestFault {
        TestMachine ignoring = new TestMachine(true, TestMachine.HOST_XCR0);
        ignoring.setGpr(GPR_RCX, 0x8b);
        ignoring.setGpr(GPR_RAX, -1L);
        ignoring.setGpr(GPR_RDX, -1L);

        assertEquals(Outcome.ADVANCE, ignoring.run(emulator, RDMSR));

        assertEquals(0, ignoring.gpr(GPR_RAX));
        assertEquals(0, ignoring.gpr(GPR_RDX));
    }

    @Test
    void ignoreMsrsDropsWritesToUnknownMsrs() throws GuestFault {
        TestMachine ignoring = new TestMachine(true, TestMachine.HOST_XCR0);
        ignoring.setGpr(GPR_RCX, 0x8b);
        ignoring.setGpr(GPR_RAX, 0x42);
        ignoring.setGpr(GPR_RDX, 0);

        assertEquals(Outcome.ADVANCE, ignoring.run(emulator, WRMSR));

        // Still unknown: a second read gives 0, and the modelled MSRs did not change.
        ignoring.run(emulator, RDMSR);
        assertEquals(0, ignoring.gpr(GPR_RAX));
        assertEquals(t.cpu.msrs().snapshot().keySet(), ignoring.cpu.msrs().snapshot().keySet());
        assertEquals(0, ignoring.cpu.msrs().read(Msr.STAR.index()));
    }

    @Test
    void ignoreMsrsStillChecksModelledMsrs() {
        TestMachine ignoring = new TestMachine(true, TestMachine.HOST_XCR0);
        ignoring.setGpr(GPR_RCX, Msr.LSTAR.index());
        ignoring.setGpr(GPR_RAX, 0);
        ignoring.setGpr(GPR_RDX, 0x8000);

        ignoring.fault(emulator, WRMSR, GuestFault.GP);
    }

    /** The x2APIC MSRs are modelled: outside x2APIC mode they are #GP even under --ignore-msrs. */
    @Test
    void ignoreMsrsLeavesX2apicMsrsToTheApic() throws GuestFault {
        TestMachine ignoring = new TestMachine(true, TestMachine.HOST_XCR0);
        ignoring.setGpr(GPR_RCX, 0x802);

        ignoring.fault(emulator, RDMSR, GuestFault.GP);

        ignoring.cpu.msrs().write(Msr.APIC_BASE.index(), 0xfee0_0c00L); // x2APIC mode
        ignoring.setGpr(GPR_RCX, 0x803);
        assertEquals(Outcome.ADVANCE, ignoring.run(emulator, RDMSR));
        assertEquals(0x50014, ignoring.gpr(GPR_RAX), "x2APIC version register");
    }
}
