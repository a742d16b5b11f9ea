package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

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
        assertEquals(0xfee0_0900L, cpu.msrs().apicBase());
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
}
