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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "escape-write    | trying syscall write      | syscall with rax=1 (write)",
            "escape-exit     | trying syscall exit_group | syscall with rax=231 (exit_group)",
            "escape-int80    | trying int 0x80           | int 0x80 with rax=4 (write)",
            "escape-sysenter | trying sysenter           | sysenter with rax=60"})
    void systemCallIsBlockedAndNamed(String guest, String line, String attempt) {
        Result r = run(guest);
        assertEquals(BLOCKED, r.status(), "exit status");
        assertEquals(line + "\n", r.stdout(), "guest output");
        assertTrue(r.summary().startsWith("uhv: guest system call blocked: " + attempt + " at 0x"), r.summary());
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
            // vsyscall=none: the call is a plain page fault outside guest RAM.
            assertEquals(GUEST_CRASH, r.status(), "exit status");
            assertTrue(r.summary().contains("#PF") && r.summary().contains("0xffffffffff600000"), r.summary());
        }
    }

    @Test
    void jumpOutsideGuestRamIsAPageFault() {
        Result r = run("escape-unmapped");
        assertEquals(GUEST_CRASH, r.status(), "exit status");
        assertEquals("trying jump to unmapped\n", r.stdout(), "guest output");
        assertTrue(r.summary().startsWith("uhv: guest crash: ") && r.summary().contains("#PF")
                && r.summary().contains("0x7fff00000000"), r.summary());
    }
}
