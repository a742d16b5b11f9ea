package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.GuestFault;
import org.junit.jupiter.api.Test;

/** SYSCALL, SYSENTER and INT 0x80 end the run as a blocked guest system call, naming it. */
class SystemCallEmulatorTest {
    private final TestMachine t = new TestMachine();
    private final SystemCallEmulator emulator = new SystemCallEmulator();

    private Outcome.Stop stop(String hex, long rax) throws GuestFault {
        t.setGpr(GPR_RAX, rax);
        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, t.run(emulator, hex));
        assertEquals(ExitReason.GUEST_SYSCALL, stop.reason());
        assertEquals(TestMachine.RIP, t.regs.rip());
        assertEquals(rax, t.gpr(GPR_RAX), "rax untouched");
        return stop;
    }

    @Test
    void syscallNamesTheX8664Call() throws GuestFault {
        String detail = stop("0f 05", 1).detail();

        assertTrue(detail.startsWith("syscall with rax=1 (write) at 0x1000"), detail);
    }

    @Test
    void syscallExitIsSixty() throws GuestFault {
        assertTrue(stop("0f 05", 60).detail().contains("rax=60 (exit)"));
    }

    @Test
    void unknownNumberIsGivenWithoutAName() throws GuestFault {
        String detail = stop("0f 05", 999).detail();

        assertTrue(detail.contains("rax=999 at"), detail);
        assertFalse(detail.contains("("), detail);
    }

    @Test
    void sysenterUsesTheI386Numbers() throws GuestFault {
        String detail = stop("0f 34", 4).detail();

        assertTrue(detail.startsWith("sysenter with rax=4 (write)"), detail);
    }

    @Test
    void int80UsesTheI386Numbers() throws GuestFault {
        String detail = stop("cd 80", 1).detail();

        assertTrue(detail.startsWith("int 0x80 with rax=1 (exit)"), detail);
    }

    @Test
    void otherSoftwareInterruptsAreNotSystemCalls() {
        assertFalse(emulator.accepts(t.decode("cd 21")));
        assertNull(EmulatorTable.standard().find(t.decode("cd 21")));
        assertTrue(emulator.accepts(t.decode("cd 80")));
    }
}
