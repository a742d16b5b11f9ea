package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.GuestFault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MOV to/from DR0-DR7 through decoded instructions (SDM Vol. 2B, MOV - Move to/from Debug Registers). */
class DebugRegisterEmulatorTest {
    private final TestMachine t = new TestMachine();
    private final DebugRegisterEmulator emulator = new DebugRegisterEmulator();

    /** mov drN, rax: 0f 23 with ModRM 11 nnn 000. */
    private static String movDrRax(int n) {
        return String.format("0f 23 %02x", 0xc0 | n << 3);
    }

    /** mov rax, drN: 0f 21 with ModRM 11 nnn 000. */
    private static String movRaxDr(int n) {
        return String.format("0f 21 %02x", 0xc0 | n << 3);
    }

    private void write(int n, long value) throws GuestFault {
        t.setGpr(GPR_RAX, value);
        assertEquals(Outcome.ADVANCE, t.run(emulator, movDrRax(n)));
        assertEquals(TestMachine.RIP, t.regs.rip());
    }

    private long read(int n) throws GuestFault {
        t.setGpr(GPR_RAX, 0x1111_2222_3333_4444L);
        assertEquals(Outcome.ADVANCE, t.run(emulator, movRaxDr(n)));
        assertEquals(TestMachine.RIP, t.regs.rip());
        return t.gpr(GPR_RAX);
    }

    private void setCr4De() throws GuestFault {
        t.cpu.cr().writeCr4(TestMachine.CR4 | ControlRegisters.CR4_DE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void breakpointAddressRegistersRoundTrip(int n) throws GuestFault {
        long address = 0xffff_ffff_8100_0000L | n << 4;

        write(n, address);

        assertEquals(address, read(n));
        assertEquals(address, t.cpu.dr().snapshot()[n]);
    }

    @Test
    void dr6AndDr7ReadTheirFixedBits() throws GuestFault {
        assertEquals(0xffff_0ff0L, read(6));
        assertEquals(0x400L, read(7));

        write(6, 0);
        write(7, 0x1);

        assertEquals(0xffff_0ff0L, read(6));
        assertEquals(0x401L, read(7));
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 7})
    void bits63To32OfDr6AndDr7AreGp(int n) throws GuestFault {
        long before = read(n);
        t.setGpr(GPR_RAX, 0x1_0000_0000L);

        t.fault(emulator, movDrRax(n), GuestFault.GP);

        assertEquals(before, read(n));
    }

    @Test
    void dr4AndDr5AliasDr6AndDr7WithoutCr4De() throws GuestFault {
        write(4, 0x4000);
        write(5, 0x3);

        assertEquals(0xffff_4ff0L, read(6));
        assertEquals(0x403L, read(7));
        assertEquals(0xffff_4ff0L, read(4));
        assertEquals(0x403L, read(5));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void dr4AndDr5AreUdWithCr4De(int n) throws GuestFault {
        setCr4De();

        t.fault(emulator, movDrRax(n), GuestFault.UD);
        t.fault(emulator, movRaxDr(n), GuestFault.UD);
    }

    @Test
    void dr6AndDr7StillWorkWithCr4De() throws GuestFault {
        setCr4De();

        write(7, 0x2);

        assertEquals(0x402L, read(7));
    }

    @Test
    void usesTheGeneralRegisterTheModRmNames() throws GuestFault {
        t.setGpr(11, 0x1234_5678_9abcL);

        t.run(emulator, "41 0f 23 cb"); // mov dr1, r11
        t.run(emulator, "0f 21 ca"); // mov rdx, dr1

        assertEquals(0x1234_5678_9abcL, t.gpr(2));
    }
}
