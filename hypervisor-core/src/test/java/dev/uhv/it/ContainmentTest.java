package dev.uhv.it;

import dev.uhv.it.UhvProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The escape guests try to reach the host kernel; uhv (a separate process, as a user runs it) must
 * stop every attempt before it runs and say what was tried. Guest output goes to stdout (serial and
 * debugcon stdio, the defaults).
 */
class ContainmentTest {
    private static final int BLOCKED = 12;
    private static final int GUEST_CRASH = 4;
    private static final int ESCAPED_STATUS = 0x43; // (0x21 << 1) | 1: the guest got past the attempt
    private static final int GUEST_EXIT_CODE = 77;  // what the guests pass to exit/exit_group
    private static final int LSTAR_HANDLER_STATUS = (0x10 << 1) | 1;

    @TempDir
    Path dir;

    private Result run(String guest) {
        Path image = Guests.copy(guest + ".elf", dir);
        Result r = UhvProcess.run(dir, "run", image.toString());
        assertNotEquals(GUEST_EXIT_CODE, r.status(), "the guest's exit system call ran on the host");
        assertNotEquals(ESCAPED_STATUS, r.status(), "the guest got past the attempt");
        assertFalse(r.stdout().contains("ESCAPED") || r.stderr().contains("ESCAPED"), "ESCAPED was written");
        assertFalse(r.stdout().contains("returned"), "the guest went on after the attempt:\n" + r.stdout());
        return r;
    }

    /** syscall enters the guest's own LSTAR handler, as on the CPU; that handler exits with v = 0x10. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "escape-write    | trying syscall write",
            "escape-exit     | trying syscall exit_group"})
    void syscallReachesTheGuestsLstarHandler(String guest, String line) {
        Result r = run(guest);
        assertEquals(LSTAR_HANDLER_STATUS, r.status(), "exit status");
        assertEquals(line + "\nsyscall entered the guest's LSTAR handler\n", r.stdout(), "guest output");
    }

    /**
     * int 0x80 goes to the guest's IDT (it has none: the run ends); sysenter is #UD in long mode on AMD
     * and #GP with SYSENTER_CS = 0 on Intel, again with no IDT to take it.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "escape-int80    | trying int 0x80 | unhandled guest exception vector 0x80",
            "escape-sysenter | trying sysenter | unhandled guest exception #"})
    void i386SystemCallsAreGuestExceptions(String guest, String line, String reason) {
        Result r = run(guest);
        assertEquals(GUEST_CRASH, r.status(), "exit status");
        assertEquals(line + "\n", r.stdout(), "guest output");
        assertTrue(r.summary().startsWith("uhv: " + reason), r.summary());
    }

    @Test
    void vsyscallPageIsNotReachable() throws IOException {
        Result r = run("escape-vsyscall");
        assertEquals("trying vsyscall\n", r.stdout(), "guest output");
        if (Files.readString(Path.of("/proc/self/maps")).contains("[vsyscall]")) {
            // The host emulates vsyscall calls as system calls: uhv-child's seccomp wall kills it first.
            assertEquals(BLOCKED, r.status(), "exit status");
            assertTrue(r.summary().startsWith("uhv: guest system call blocked: ") && r.summary().contains("seccomp"),
                    r.summary());
        } else {
            // vsyscall=none: the call is a plain page fault outside guest RAM, and the guest has no IDT.
            assertEquals(GUEST_CRASH, r.status(), "exit status");
            assertTrue(r.summary().startsWith("uhv: unhandled guest exception #PF")
                    && r.summary().contains("0xffffffffff600000"), r.summary());
        }
    }

    @Test
    void jumpOutsideGuestRamIsAPageFault() {
        Result r = run("escape-unmapped");
        assertEquals(GUEST_CRASH, r.status(), "exit status");
        assertEquals("trying jump to unmapped\n", r.stdout(), "guest output");
        assertTrue(r.summary().startsWith("uhv: unhandled guest exception #PF: ")
                && r.summary().contains("cr2=0x7fff00000000"), r.summary());
    }
}
