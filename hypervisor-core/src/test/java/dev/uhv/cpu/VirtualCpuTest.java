package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.decoder.Register;
import org.junit.jupiter.api.Test;

class VirtualCpuTest {
    private final RegisterFile regs = RegisterFile.allocate();
    private final VirtualCpu cpu = new VirtualCpu(regs, new ControlRegisters(0x8001_0033L, ControlRegisters.CR4_PAE, 48),
            new MsrFile(regs, () -> 0, 0xd01, 48), new CpuidModel(new FakeHostCpuid()), 0x7);

    @Test
    void startsAtCpl0WithInterruptsOffAndTheGivenXcr0() {
        assertEquals(0, cpu.cpl());
        assertFalse(cpu.interruptFlag());
        assertEquals(0x7, cpu.xcr0());
        assertSame(regs, cpu.regs());
        assertEquals(SegmentRegister.NULL, cpu.tables().tr());
        assertEquals(TableRegister.NONE, cpu.tables().gdtr());
    }

    @Test
    void guestRflagsShowsTheVirtualIfNotTheHosts() {
        regs.setRflags(Rflags.FIXED_1 | Rflags.IF | Rflags.CF);

        assertEquals(Rflags.FIXED_1 | Rflags.CF, cpu.guestRflags());

        cpu.setInterruptFlag(true);
        regs.setRflags(Rflags.FIXED_1);
        assertEquals(Rflags.FIXED_1 | Rflags.IF, cpu.guestRflags());
    }

    @Test
    void enteringCodeMovesTheHostToTheCodeSegmentOfThatBitness() {
        cpu.enterCode(0x1b, 32, 3);
        assertEquals(VirtualCpu.HOST_CODE32, regs.cs());
        assertEquals(32, cpu.codeBits());
        assertEquals(0x1b, cpu.selector(Register.CS));
        cpu.enterCode(0x08, 64, 0);
        assertEquals(VirtualCpu.HOST_CODE64, regs.cs());
        assertEquals(0, cpu.cpl());
    }

    @Test
    void guestRflagsKeepsIfAndIoplVirtual() {
        cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF | (3L << Rflags.IOPL_SHIFT) | Rflags.CF);
        assertEquals(3, cpu.iopl());
        assertEquals(Rflags.FIXED_1 | Rflags.IF | Rflags.CF, regs.rflags(), "the host keeps IF set and IOPL 0");
        assertEquals(Rflags.FIXED_1 | Rflags.IF | (3L << Rflags.IOPL_SHIFT) | Rflags.CF, cpu.guestRflags());
    }

    @Test
    void aChangedStackSegmentAtCpl0IsANativeReturnToRing3() {
        cpu.useKernelStackSelector(0x7);
        cpu.enterCode(0x08, 64, 0);
        assertEquals(0x7, regs.ss(), "CPL0 runs on the marker");
        assertFalse(cpu.followNativeReturnToUser(), "nothing changed");

        regs.setCs(VirtualCpu.HOST_CODE64);
        regs.setSs(VirtualCpu.HOST_DATA); // what a native iretq to CS 0x33, SS 0x2b leaves
        assertTrue(cpu.followNativeReturnToUser());
        assertEquals(3, cpu.cpl());
        assertEquals(0x33, cpu.selector(Register.CS));
        assertEquals(0x2b, cpu.selector(Register.SS));
        assertTrue(cpu.interruptFlag());

        cpu.enterCode(0x08, 64, 0);
        assertEquals(0x7, regs.ss(), "back at CPL0, back on the marker");
        cpu.enterCode(0x2b, 64, 3);
        assertEquals(VirtualCpu.HOST_DATA, regs.ss(), "CPL3 entered by uhv runs on the host's SS");
    }

    @Test
    void withoutTheMarkerSsIsLeftAlone() {
        regs.setSs(VirtualCpu.HOST_DATA);
        cpu.enterCode(0x08, 64, 0);
        assertEquals(VirtualCpu.HOST_DATA, regs.ss());
        assertFalse(cpu.followNativeReturnToUser());
    }

    @Test
    void aHostSelectorIsNeverRecordedAsWhatAHostSelectorStandsFor() {
        cpu.enterCode(0x30, 64, 0); // a guest kernel whose 64-bit code sits at the host's 0x33 slot
        cpu.enterCode(0x08, 32, 0);

        assertEquals(0, cpu.hostSelectorAlias(VirtualCpu.HOST_CODE64), "nothing recorded yet for 0x33");
        assertEquals(0x08, cpu.hostSelectorAlias(VirtualCpu.HOST_CODE32));
    }
}
