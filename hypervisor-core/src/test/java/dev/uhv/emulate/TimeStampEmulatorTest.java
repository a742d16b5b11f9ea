package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static dev.uhv.cpu.RegisterFile.GPR_RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Msr;
import org.junit.jupiter.api.Test;

/** RDTSC and RDTSCP: the guest TSC (host TSC + offset) in edx:eax, TSC_AUX in ecx (SDM Vol. 2B). */
class TimeStampEmulatorTest {
    private final TestMachine t = new TestMachine();
    private final TimeStampEmulator emulator = new TimeStampEmulator();

    private void run(String hex) throws GuestFault {
        t.setGpr(GPR_RAX, -1L);
        t.setGpr(GPR_RDX, -1L);
        t.setGpr(GPR_RCX, -1L);
        assertEquals(Outcome.ADVANCE, t.run(emulator, hex));
        assertEquals(TestMachine.RIP, t.regs.rip());
    }

    @Test
    void rdtscSplitsTheHostTscIntoEdxEax() throws GuestFault {
        t.hostTsc = 0x0001_2345_89ab_cdefL;

        run("0f 31");

        assertEquals(0x89ab_cdefL, t.gpr(GPR_RAX));
        assertEquals(0x0001_2345L, t.gpr(GPR_RDX));
        assertEquals(-1L, t.gpr(GPR_RCX), "rdtsc leaves rcx alone");
    }

    @Test
    void rdtscAddsTheOffsetATscWriteSet() throws GuestFault {
        t.hostTsc = 10_000;
        t.cpu.msrs().write(Msr.TSC.index(), 0x1_0000_0000L);
        t.hostTsc = 10_025;

        run("0f 31");

        assertEquals(25, t.gpr(GPR_RAX));
        assertEquals(1, t.gpr(GPR_RDX));
    }

    @Test
    void rdtscpAlsoReturnsTscAuxInRcx() throws GuestFault {
        t.hostTsc = 0x7_0000_0042L;
        t.cpu.msrs().write(Msr.TSC_AUX.index(), 0x8000_0003L);

        run("0f 01 f9");

        assertEquals(0x42, t.gpr(GPR_RAX));
        assertEquals(0x7, t.gpr(GPR_RDX));
        assertEquals(0x8000_0003L, t.gpr(GPR_RCX));
    }
}
