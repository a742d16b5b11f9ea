package dev.uhv.it;

import static dev.uhv.it.Checks.assertHex;
import static dev.uhv.it.Checks.assertLines;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.exec.StateDump;
import dev.uhv.it.InProcess.GuestRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Guest kernels with their own GDT, TSS and IDT (guests/src/lib/kernel.s): exceptions delivered
 * through the IDT, ring 3 with syscall/sysret and iretq, the guest's own single-step, and the runs
 * that end on an exception with nowhere to go. Each guest checks its frames itself and prints FAIL
 * lines on a mismatch.
 */
class ExceptionsTest {
    @TempDir
    Path dir;

    private static String[] exception(String name, String vector, String error, String... more) {
        return Stream.concat(Stream.of(name, "vector=" + vector, "error=" + error), Stream.of(more))
                .toArray(String[]::new);
    }

    private static String[] lines(Object... parts) {
        return Stream.of(parts).flatMap(p -> p instanceof String[] a ? Stream.of(a) : Stream.of((String) p))
                .toArray(String[]::new);
    }

    private static void assertPassed(GuestRun run) {
        assertFalse(run.serial().contains("FAIL"), run.serial());
        assertEquals(1, run.status(), () -> "exit status; " + run.summary() + "\n" + run.serial());
    }

    @Test
    void exceptionsAreDeliveredThroughTheGuestsIdt() {
        GuestRun run = InProcess.run(dir, "exceptions.elf");
        assertPassed(run);
        String cr2 = "cr2=0x000000007f000000";
        assertLines(run.serial(), lines("exceptions: GDT, TSS and IDT loaded",
                exception("#DE: div by zero", "0x00", "0x00000000"),
                exception("#BP: int3", "0x03", "0x00000000"),
                exception("#DB: single step", "0x01", "0x00000000"),
                exception("#DB: int1", "0x01", "0x00000000"),
                exception("#UD: ud2", "0x06", "0x00000000"),
                exception("#UD: push es in 64-bit mode", "0x06", "0x00000000"),
                exception("#GP: reserved CR4 bit", "0x0d", "0x00000000"),
                exception("#GP: rdmsr 0xdeadbeef", "0x0d", "0x00000000"),
                exception("#GP: non-canonical read", "0x0d", "0x00000000"),
                exception("#PF: read outside RAM", "0x0e", "0x00000000", cr2),
                exception("#PF: write outside RAM", "0x0e", "0x00000002", cr2),
                exception("#PF: fetch outside RAM", "0x0e", "0x00000010", cr2),
                exception("int 0x40", "0x40", "0x00000000"),
                exception("int 0x80", "0x80", "0x00000000"),
                exception("#NP: int 0x50 through a not-present gate", "0x0b", "0x00000282"),
                "delivered=0x0f", "exceptions done"));
        StateDump d = run.dump();
        assertEquals(256, d.idt().size(), "every gate in the dump (the guest sets 0x50 present again)");
        StateDump.Gate gp = d.idt().get(13);
        assertAll(() -> assertEquals(13, gp.vector()), () -> assertEquals("interrupt", gp.type()),
                () -> assertHex(0x08, gp.selector(), "gate selector"));
        List<StateDump.RaisedException> last = d.exceptions();
        StateDump.RaisedException np = last.get(last.size() - 1);
        assertEquals("#NP", np.vector());
        assertHex(0x282, np.errorCode(), "the last exception's error code");
        assertEquals("delivered", np.outcome());
    }

    @Test
    void ring3ProgramMakesSystemCallsAndItsPrivilegedInstructionsAreGp() {
        GuestRun run = InProcess.run(dir, "rings.elf");
        assertPassed(run);
        String[] gp = {"vector=0x0d", "error=0x00000000", "cs=0x002b", "ss=0x0023"};
        String[] user = {"cs=0x002b", "ss=0x0023"};
        assertLines(run.serial(), lines("rings: GDT, TSS and IDT loaded", "sysretq to ring 3",
                "ring 3: hello through system call 1", "ring 3: hlt", gp,
                "ring 3: system call 2 returns by iretq", "iretq to ring 3",
                "ring 3: cli", gp, "ring 3: wrmsr", gp, "ring 3: mov to cr3", gp, "ring 3: out to port 0xe9", gp,
                "ring 3: sysretq", gp,
                "ring 3: int 0x41 (DPL 0 gate)", "vector=0x0d", "error=0x0000020a", user,
                "ring 3: int 0x80 (DPL 0 gate)", "vector=0x0d", "error=0x00000402", user,
                "ring 3: int3 (DPL 3 gate)", "vector=0x03", "error=0x00000000", user,
                "ring 3: exit", "ring 3 exited", "delivered=0x09", "rings done"));
        StateDump d = run.dump();
        assertHex(Guests.symbol("rings.elf", "syscall_entry"), d.msrs().get("LSTAR"), "LSTAR");
        assertEquals(0, d.cpl(), "back in the kernel at the end");
        assertTrue(d.trapsByFamily().get("system_call") >= 4, d.trapsByFamily().toString());
    }

    /** Its iretq to ring 3 runs natively (the host accepts CS 0x33, SS 0x2b); uhv still sees CPL3. */
    @Test
    void ring3EnteredByANativeIretqIsStillRing3() {
        GuestRun run = InProcess.run(dir, "linux-layout.elf");
        assertPassed(run);
        assertLines(run.serial(), "iretq to ring 3 at CS 0x33, SS 0x2b", "vector=0x0d", "cs=0x0033", "ss=0x002b");
        StateDump.RaisedException gp = run.dump().exceptions().get(0);
        assertEquals(3, gp.cpl(), "raised at CPL3");
        assertHex(Guests.symbol("linux-layout.elf", "user_hlt"), gp.rip(), "at the hlt");
    }

    @Test
    void guestSingleStepsItsOwnCodeIncludingEmulatedInstructions() {
        GuestRun run = InProcess.run(dir, "tf-step.elf");
        assertPassed(run);
        assertLines(run.serial(), "tf-step: single-stepping 7 instructions", "steps=0x07", "tf-step done");
    }

    @Test
    void aFaultWhileDeliveringADoubleFaultIsATripleFault() {
        GuestRun run = InProcess.run(dir, "triple-fault.elf");
        assertEquals(4, run.status(), run.summary());
        assertLines(run.serial(), "ud2 with every IDT gate not present");
        StateDump d = run.dump();
        assertEquals("triple fault", d.exitReason());
        assertHex(Guests.symbol("triple-fault.elf", "triple_ud2"), d.registers().get("rip"), "rip at the ud2");
        List<String> outcomes = d.exceptions().stream().map(x -> x.vector() + " " + x.outcome()).toList();
        assertEquals(List.of("#UD nested #GP(0x33)", "#GP nested #GP(0x6b)", "#DF triple fault"), outcomes);
    }

    @Test
    void anExceptionWithNoIdtEndsTheRun() {
        GuestRun run = InProcess.run(dir, "unhandled.elf");
        assertEquals(4, run.status(), run.summary());
        assertLines(run.serial(), "reading 0x7f000000 with no IDT");
        StateDump d = run.dump();
        assertEquals("unhandled guest exception #PF", d.exitReason());
        long at = Guests.symbol("unhandled.elf", "unhandled_read");
        assertHex(at, d.registers().get("rip"), "rip at the faulting mov");
        assertHex(0x7f00_0000L, d.controlRegisters().get("cr2"), "cr2");
        assertHex(at - 16, d.code().address(), "code bytes from 16 before rip");
        assertTrue(d.detail().contains("0x7f000000"), d.detail());
    }
}
