package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static dev.uhv.cpu.RegisterFile.GPR_RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Msr;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.Register;
import org.junit.jupiter.api.Test;

/** SYSCALL/SYSRET and SYSENTER/SYSEXIT against the guest's MSRs (SDM Vol. 2B; AMD APM Vol. 3). */
class SystemCallEmulatorTest {
    private static final long LSTAR = 0xffff_ffff_8100_0000L;
    private static final long CSTAR = 0xffff_ffff_8100_0040L;
    /** syscall: CS 0x08, SS 0x10; sysret: base 0x1b, so CS 0x2b (64-bit) or 0x1b (32-bit), SS 0x23. */
    private static final long STAR = 0x001b_0008_0000_0000L;
    private static final int R11 = 11;

    private final TestMachine t = new TestMachine();
    private final SystemCallEmulator emulator = new SystemCallEmulator(null);

    private void msrs(TestMachine m) throws GuestFault {
        MsrFile msrs = m.cpu.msrs();
        msrs.write(Msr.STAR.index(), STAR);
        msrs.write(Msr.LSTAR.index(), LSTAR);
        msrs.write(Msr.CSTAR.index(), CSTAR);
        msrs.write(Msr.SFMASK.index(), Rflags.IF | Rflags.TF | Rflags.DF);
    }

    private void atUserLevel(TestMachine m, int bits) {
        m.cpu.enterCode(bits == 64 ? 0x2b : 0x1b, bits, 3);
        m.cpu.setSelector(Register.SS, 0x23);
    }

    @Test
    void syscallEntersLstarAtCpl0() throws GuestFault {
        msrs(t);
        atUserLevel(t, 64);
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF | Rflags.DF | Rflags.CF);

        assertSame(Outcome.JUMP, t.run(emulator, "0f 05"));

        assertEquals(LSTAR, t.regs.rip());
        assertEquals(TestMachine.RIP + 2, t.gpr(GPR_RCX), "rcx = next rip");
        assertEquals(Rflags.FIXED_1 | Rflags.IF | Rflags.DF | Rflags.CF, t.gpr(R11), "r11 = rflags");
        assertEquals(0, t.cpu.cpl());
        assertEquals(0x08, t.cpu.selector(Register.CS));
        assertEquals(0x10, t.cpu.selector(Register.SS));
        assertFalse(t.cpu.interruptFlag(), "SFMASK cleared IF");
        assertEquals(0, t.cpu.guestRflags() & Rflags.DF, "SFMASK cleared DF");
        assertEquals(Rflags.CF, t.cpu.guestRflags() & Rflags.CF, "CF kept");
        assertEquals(VirtualCpu.HOST_CODE64, t.regs.cs());
    }

    @Test
    void syscallWithoutSceIsUd() throws GuestFault {
        t.cpu.msrs().write(Msr.EFER.index(), t.cpu.msrs().efer() & ~MsrFile.EFER_SCE);
        t.fault(emulator, "0f 05", GuestFault.UD);
    }

    @Test
    void syscallFromCompatibilityModeIsUdOnIntelAndCstarOnAmd() throws GuestFault {
        msrs(t);
        atUserLevel(t, 32);
        t.fault(emulator, "0f 05", GuestFault.UD);

        TestMachine amd = TestMachine.amd();
        msrs(amd);
        atUserLevel(amd, 32);
        assertSame(Outcome.JUMP, amd.run(emulator, "0f 05"));
        assertEquals(CSTAR, amd.regs.rip());
        assertEquals(64, amd.cpu.codeBits());
    }

    @Test
    void sysretqReturnsToCpl3SixtyFourBitCode() throws GuestFault {
        msrs(t);
        t.setGpr(GPR_RCX, 0x40_1000);
        t.setGpr(R11, Rflags.FIXED_1 | Rflags.IF | Rflags.RF | Rflags.CF);

        assertSame(Outcome.JUMP, t.run(emulator, "48 0f 07"));

        assertEquals(0x40_1000, t.regs.rip());
        assertEquals(3, t.cpu.cpl());
        assertEquals(0x2b, t.cpu.selector(Register.CS));
        assertEquals(0x23, t.cpu.selector(Register.SS));
        assertTrue(t.cpu.interruptFlag(), "IF from r11");
        assertEquals(0, t.cpu.guestRflags() & Rflags.RF, "RF is never restored by sysret");
        assertEquals(VirtualCpu.HOST_CODE64, t.regs.cs());
    }

    @Test
    void sysretlReturnsToCompatibilityMode() throws GuestFault {
        msrs(t);
        t.setGpr(GPR_RCX, 0xffff_ffff_0040_2000L);

        assertSame(Outcome.JUMP, t.run(emulator, "0f 07"));

        assertEquals(0x40_2000, t.regs.rip(), "eip, zero-extended");
        assertEquals(0x1b, t.cpu.selector(Register.CS));
        assertEquals(32, t.cpu.codeBits());
        assertEquals(VirtualCpu.HOST_CODE32, t.regs.cs());
    }

    @Test
    void sysretToANonCanonicalRcxIsGp() throws GuestFault {
        msrs(t);
        t.setGpr(GPR_RCX, 0x8000_0000_0000_0000L);
        t.fault(emulator, "48 0f 07", GuestFault.GP);
        assertEquals(0, t.cpu.cpl(), "nothing changed");
    }

    @Test
    void sysretAtCpl3IsGpButItsUdConditionsComeFirst() throws GuestFault {
        msrs(t);
        atUserLevel(t, 64);
        t.setGpr(GPR_RCX, 0x40_1000);
        t.fault(emulator, "48 0f 07", GuestFault.GP);
        t.cpu.msrs().write(Msr.EFER.index(), t.cpu.msrs().efer() & ~MsrFile.EFER_SCE);
        t.fault(emulator, "48 0f 07", GuestFault.UD);
    }

    @Test
    void syscallTakesSsFromStarUnmasked() throws GuestFault {
        t.cpu.msrs().write(Msr.STAR.index(), 0x001b_000bL << 32);
        t.cpu.msrs().write(Msr.LSTAR.index(), LSTAR);
        t.run(emulator, "0f 05");
        assertEquals(0x08, t.cpu.selector(Register.CS), "CS has its RPL bits cleared");
        assertEquals(0x13, t.cpu.selector(Register.SS), "SS = STAR[47:32] + 8");
    }

    @Test
    void sysenterInLongModeIsUdOnAmd() {
        TestMachine amd = TestMachine.amd();
        amd.fault(emulator, "0f 34", GuestFault.UD);
    }

    @Test
    void sysenterAndSysexitOnIntel() throws GuestFault {
        MsrFile msrs = t.cpu.msrs();
        msrs.write(Msr.SYSENTER_CS.index(), 0x10);
        msrs.write(Msr.SYSENTER_EIP.index(), 0xffff_ffff_8100_0080L);
        msrs.write(Msr.SYSENTER_ESP.index(), 0xffff_ffff_8180_0000L);
        atUserLevel(t, 64);
        t.cpu.setGuestRflags(Rflags.FIXED_1 | Rflags.IF);

        assertSame(Outcome.JUMP, t.run(emulator, "0f 34"));
        assertEquals(0xffff_ffff_8100_0080L, t.regs.rip());
        assertEquals(0xffff_ffff_8180_0000L, t.regs.rsp());
        assertEquals(0x10, t.cpu.selector(Register.CS));
        assertEquals(0x18, t.cpu.selector(Register.SS));
        assertFalse(t.cpu.interruptFlag());

        t.setGpr(GPR_RDX, 0x40_3000);
        t.setGpr(GPR_RCX, 0x7f_0000);
        assertSame(Outcome.JUMP, t.run(emulator, "48 0f 35"));
        assertEquals(0x40_3000, t.regs.rip());
        assertEquals(0x7f_0000, t.regs.rsp());
        assertEquals(0x33, t.cpu.selector(Register.CS), "SYSENTER_CS + 32, RPL 3");
        assertEquals(0x3b, t.cpu.selector(Register.SS), "SYSENTER_CS + 40, RPL 3");
        assertEquals(3, t.cpu.cpl());
    }

    @Test
    void sysenterWithoutSysenterCsIsGp() {
        t.fault(emulator, "0f 34", GuestFault.GP);
    }

    @Test
    void aPersonalityTakesSyscallAndSysenter() throws GuestFault {
        SystemCallEmulator served = new SystemCallEmulator((insn, m) -> Outcome.ADVANCE);
        assertSame(Outcome.ADVANCE, served.emulate(t.decode("0f 05"), t.machine));
        assertEquals(TestMachine.RIP, t.regs.rip(), "the personality's outcome, rip untouched");
    }
}
