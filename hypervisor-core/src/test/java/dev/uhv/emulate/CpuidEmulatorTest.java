package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static dev.uhv.cpu.RegisterFile.GPR_RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.GuestFault;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** CPUID through the decoded instruction: eax/ecx in, four results zero-extended (SDM Vol. 2A, CPUID). */
class CpuidEmulatorTest {
    private static final String CPUID = "0f a2";
    private static final int OSXSAVE = 1 << 27;

    private final TestMachine t = new TestMachine();
    private final CpuidEmulator emulator = new CpuidEmulator();

    private void cpuid(long rax, long rcx) throws GuestFault {
        t.setGpr(GPR_RAX, rax);
        t.setGpr(GPR_RCX, rcx);
        t.setGpr(GPR_RBX, -1L);
        t.setGpr(GPR_RDX, -1L);
        assertEquals(Outcome.ADVANCE, t.run(emulator, CPUID));
        assertEquals(TestMachine.RIP, t.regs.rip());
    }

    private static String ascii(long... registers) {
        ByteBuffer b = ByteBuffer.allocate(4 * registers.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long r : registers) {
            b.putInt((int) r);
        }
        return new String(b.array(), StandardCharsets.US_ASCII);
    }

    @Test
    void hypervisorLeafSaysUhvInEbxEcxEdx() throws GuestFault {
        cpuid(0x4000_0000L, 0);

        assertEquals(0x4000_0001L, t.gpr(GPR_RAX));
        assertEquals("uhvuhvuhvuhv", ascii(t.gpr(GPR_RBX), t.gpr(GPR_RCX), t.gpr(GPR_RDX)));
    }

    @Test
    void resultsAreZeroExtendedAndTheUpperHalfOfRaxIsIgnored() throws GuestFault {
        cpuid(0xffff_ffff_0000_0000L, 0xffff_ffff_0000_0000L); // leaf 0

        assertEquals(0xdL, t.gpr(GPR_RAX));
        assertEquals("GenuineIntel", ascii(t.gpr(GPR_RBX), t.gpr(GPR_RDX), t.gpr(GPR_RCX)));
        assertEquals(0x756e_6547L, t.gpr(GPR_RBX));
    }

    @Test
    void ecxSelectsTheSubleaf() throws GuestFault {
        cpuid(0xb, 1); // topology, core level

        assertEquals(0x201L, t.gpr(GPR_RCX));
        assertEquals(1L, t.gpr(GPR_RBX));
    }

    @Test
    void unsupportedLeafClearsAllFour() throws GuestFault {
        cpuid(0x4000_0001L, 0);

        assertEquals(0, t.gpr(GPR_RAX));
        assertEquals(0, t.gpr(GPR_RBX));
        assertEquals(0, t.gpr(GPR_RCX));
        assertEquals(0, t.gpr(GPR_RDX));
    }

    @Test
    void osxsaveFollowsTheGuestCr4() throws GuestFault {
        cpuid(1, 0);
        assertEquals(OSXSAVE, t.gpr(GPR_RCX) & OSXSAVE, "CR4.OSXSAVE set");

        t.cpu.cr().writeCr4(TestMachine.CR4 & ~ControlRegisters.CR4_OSXSAVE);
        cpuid(1, 0);
        assertEquals(0, t.gpr(GPR_RCX) & OSXSAVE, "CR4.OSXSAVE clear");
    }

    @Test
    void apicFeatureFollowsTheGuestApicBase() throws GuestFault {
        cpuid(1, 0);
        assertEquals(1 << 9, t.gpr(GPR_RDX) & 1 << 9);

        t.cpu.msrs().write(0x1b, 0xfee0_0000L); // APIC disabled
        cpuid(1, 0);
        assertEquals(0, t.gpr(GPR_RDX) & 1 << 9);
    }
}
