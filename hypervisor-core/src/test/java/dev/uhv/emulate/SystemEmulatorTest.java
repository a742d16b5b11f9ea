package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static dev.uhv.cpu.RegisterFile.GPR_RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Msr;
import dev.uhv.cpu.Rflags;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HLT, CLI, STI, SWAPGS, INVLPG, INVPCID, WBINVD, INVD and XSETBV through decoded instructions. */
class SystemEmulatorTest {
    private static final String XSETBV = "0f 01 d1";

    private final TestMachine t = new TestMachine();
    private final SystemEmulator emulator = new SystemEmulator();

    private void run(String hex) throws GuestFault {
        assertEquals(Outcome.ADVANCE, t.run(emulator, hex));
        assertEquals(TestMachine.RIP, t.regs.rip(), "emulators leave rip to the run loop");
    }

    /** Everything an instruction could change, as text, to show that one changed nothing. */
    private static String state(TestMachine m) throws GuestFault {
        StringBuilder s = new StringBuilder();
        for (int n = 0; n < 16; n++) {
            s.append(Long.toHexString(m.gpr(n))).append(' ');
        }
        ControlRegisters cr = m.cpu.cr();
        s.append(m.regs.rip()).append(' ').append(m.regs.rflags()).append(' ').append(m.regs.fsBase()).append(' ')
                .append(m.regs.gsBase()).append(" cr ").append(cr.cr0()).append(' ').append(cr.cr2()).append(' ')
                .append(cr.cr3()).append(' ').append(cr.cr4()).append(' ').append(cr.cr8()).append(' ')
                .append(m.cpu.msrs().snapshot()).append(' ').append(Arrays.toString(m.cpu.dr().snapshot()))
                .append(m.cpu.tables().gdtr()).append(m.cpu.tables().idtr()).append(m.cpu.tables().ldtr())
                .append(m.cpu.tables().tr()).append(" xcr0 ").append(m.cpu.xcr0()).append(" if ")
                .append(m.cpu.interruptFlag());
        return s.toString();
    }

    private void xsetbv(long ecx, long value) throws GuestFault {
        t.setGpr(GPR_RCX, ecx);
        t.setGpr(GPR_RAX, value & 0xffff_ffffL);
        t.setGpr(GPR_RDX, value >>> 32);
        run(XSETBV);
    }

    private void xsetbvGp(long ecx, long value) {
        t.setGpr(GPR_RCX, ecx);
        t.setGpr(GPR_RAX, value & 0xffff_ffffL);
        t.setGpr(GPR_RDX, value >>> 32);
        t.fault(emulator, XSETBV, GuestFault.GP);
        assertEquals(TestMachine.HOST_XCR0, t.cpu.xcr0(), "XCR0 unchanged");
    }

    @Test
    void stiAndCliToggleTheVirtualInterruptFlag() throws GuestFault {
        assertFalse(t.cpu.interruptFlag());

        run("fb"); // sti
        assertTrue(t.cpu.interruptFlag());
        assertEquals(Rflags.IF, t.cpu.guestRflags() & Rflags.IF);

        run("fa"); // cli
        assertFalse(t.cpu.interruptFlag());
        assertEquals(0, t.cpu.guestRflags() & Rflags.IF);
    }

    @Test
    void stiAndCliLeaveTheHardwareRflagsAlone() throws GuestFault {
        t.regs.setRflags(Rflags.FIXED_1 | Rflags.IF);

        run("fa");

        assertEquals(Rflags.FIXED_1 | Rflags.IF, t.regs.rflags());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void hltStopsTheRunAsHaltedWhateverIf(boolean interruptFlag) throws GuestFault {
        t.cpu.setInterruptFlag(interruptFlag);

        Outcome outcome = t.run(emulator, "f4");

        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, outcome);
        assertEquals(ExitReason.HALTED, stop.reason());
        assertTrue(stop.detail().contains(interruptFlag ? "enabled" : "disabled"), stop.detail());
        assertEquals(TestMachine.RIP, t.regs.rip());
    }

    @Test
    void swapgsExchangesGsBaseAndKernelGsBase() throws GuestFault {
        t.regs.setGsBase(0x7fff_0000_0000L);
        t.cpu.msrs().write(Msr.KERNEL_GS_BASE.index(), 0x5555_0000_0000L);

        run("0f 01 f8"); // swapgs

        assertEquals(0x5555_0000_0000L, t.regs.gsBase(), "a user-range base reaches the child");
        assertEquals(0x7fff_0000_0000L, t.cpu.msrs().read(Msr.KERNEL_GS_BASE.index()));

        run("0f 01 f8");

        assertEquals(0x7fff_0000_0000L, t.regs.gsBase());
        assertEquals(0x5555_0000_0000L, t.cpu.msrs().kernelGsBase());
    }

    /** A higher-half kernel's per-CPU base survives swapgs though the host cannot hold it. */
    @Test
    void swapgsKeepsAHigherHalfBaseVirtually() throws GuestFault {
        t.regs.setGsBase(0x7fff_0000_0000L);
        t.cpu.msrs().write(Msr.KERNEL_GS_BASE.index(), 0xffff_8880_0000_0000L);

        run("0f 01 f8");

        assertEquals(0xffff_8880_0000_0000L, t.cpu.msrs().gsBase());
        assertNotEquals(0xffff_8880_0000_0000L, t.regs.gsBase(), "never handed to the host");

        run("0f 01 f8");

        assertEquals(0x7fff_0000_0000L, t.regs.gsBase());
        assertEquals(0xffff_8880_0000_0000L, t.cpu.msrs().kernelGsBase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0f 01 38", "0f 09", "0f 08", "66 0f 38 82 03"}) // invlpg [rax], wbinvd, invd, invpcid rax, [rbx]
    void cacheAndTlbMaintenanceChangesNothing(String hex) throws GuestFault {
        t.setGpr(GPR_RAX, 0xffff_ffff_ffff_f000L); // invlpg of an address outside RAM does not fault
        t.setGpr(GPR_RBX, 0x2000);
        String before = state(t);

        run(hex);

        assertEquals(before, state(t));
    }

    @ParameterizedTest
    @ValueSource(longs = {0x3, 0x7, 0x1})
    void xsetbvRecordsAValidXcr0(long value) throws GuestFault {
        xsetbv(0, value);

        assertEquals(value, t.cpu.xcr0());
    }

    @Test
    void xsetbvIgnoresTheUpperHalfOfRcx() throws GuestFault {
        xsetbv(0xffff_ffff_0000_0000L, 0x3);

        assertEquals(0x3, t.cpu.xcr0());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 0xffff_ffffL})
    void xsetbvOfAnXcrOtherThanXcr0IsGp(long ecx) {
        xsetbvGp(ecx, 0x3);
    }

    @Test
    void xsetbvClearingX87IsGp() {
        xsetbvGp(0, 0x6);
    }

    @Test
    void xsetbvAvxWithoutSseIsGp() {
        xsetbvGp(0, 0x5);
    }

    @ParameterizedTest
    @ValueSource(longs = {0xf, 0x27, 0x207, 1L << 32 | 0x7})
    void xsetbvBitsOutsideTheHostXcr0AreGp(long value) {
        xsetbvGp(0, value);
    }

    @Test
    void xsetbvWithCr4OsxsaveClearIsUd() throws GuestFault {
        t.cpu.cr().writeCr4(TestMachine.CR4 & ~ControlRegisters.CR4_OSXSAVE);
        t.setGpr(GPR_RCX, 0);
        t.setGpr(GPR_RAX, 0x3);
        t.setGpr(GPR_RDX, 0);

        t.fault(emulator, XSETBV, GuestFault.UD);

        assertEquals(TestMachine.HOST_XCR0, t.cpu.xcr0());
    }

    /**
     * XSETBV is #GP(0) when XCR0[7:5] is neither 000b nor 111b, or is not 000b while
     * XCR0[2:1] is not 11b (SDM Vol. 1, 13.3; Vol. 2D XSETBV): even on an AVX-512 host (XCR0 0xe7),
     * 0x27 and 0xe3 are refused.
     */
    @Test
    void xsetbvInconsistentAvx512StateIsGp() {
        TestMachine avx512 = new TestMachine(false, 0xe7);
        for (long value : new long[] {0x27, 0x67, 0xe3}) {
            avx512.setGpr(GPR_RCX, 0);
            avx512.setGpr(GPR_RAX, value);
            avx512.setGpr(GPR_RDX, 0);
            avx512.fault(emulator, XSETBV, GuestFault.GP);
        }
    }

    /**
     * The guest's CPUID leaf 0xD offers only XCR0_KEEP (x87, SSE, AVX, AVX-512) and
     * hides PKRU (bit 9): on a host with PKRU enabled (XCR0 0x2e7 is typical) the guest still may not
     * set a bit its own CPUID says is not supported. SDM Vol. 2D XSETBV: #GP(0) if EDX:EAX sets a bit not supported per
     * CPUID.(EAX=0DH,ECX=0):EDX:EAX.
     */
    @Test
    void xsetbvOfAStateComponentTheGuestCpuidHidesIsGp() {
        TestMachine pkruHost = new TestMachine(false, 0x2e7);
        pkruHost.setGpr(GPR_RCX, 0);
        pkruHost.setGpr(GPR_RAX, 0x207);
        pkruHost.setGpr(GPR_RDX, 0);

        pkruHost.fault(emulator, XSETBV, GuestFault.GP);
    }
}
