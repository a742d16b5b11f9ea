package dev.uhv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.it.UhvProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * --personality vkern, as a user runs it: the guest's system calls are the vkern ABI (0 exit, 1 print
 * the string at rbx/ebx, 11 ignored, others reported), for 64-bit `syscall` and 32-bit `int 0x80`.
 */
class VkernTest {
    @TempDir
    Path dir;

    private Result run(String guest, String... extra) {
        Path image = Guests.copy(guest, dir);
        String[] args = new String[extra.length + 2];
        args[0] = "run";
        args[1] = image.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        return UhvProcess.run(dir, args);
    }

    @Test
    void sixtyFourBitGuestPrintsThroughSyscallAndExits() {
        Result r = run("vkern64.elf", "--personality", "vkern");
        assertEquals(0, r.status(), r.stderr());
        assertEquals("hello from a 64-bit vkern guest\nvkern64 done\n", r.stdout());
        assertTrue(r.stderr().contains("uhv: vkern: system call 99 at 0x"), r.stderr());
        assertTrue(r.summary().startsWith("uhv: guest exit: "), r.summary());
    }

    @Test
    void thirtyTwoBitCGuestPrintsAnyLengthThroughInt80() {
        Result r = run("vkern32.elf", "--personality", "vkern");
        assertEquals(0, r.status(), r.stderr());
        StringBuilder longLine = new StringBuilder();
        while (longLine.length() < 5000) {
            longLine.append((char) ('a' + longLine.length() % 26));
        }
        assertEquals("hello from a 32-bit vkern guest\n" + longLine + "\nvkern32 done\n", r.stdout());
        assertTrue(r.summary().startsWith("uhv: guest exit: "), r.summary());
    }

    /** Linked where ld puts an i386 program (0x8048000, above 64 MiB): RAM grows to hold it without --mem. */
    @Test
    void aProgramLinkedAtTheUsualI386AddressRunsWithoutMem() {
        Result r = run("vkern32-linked-high.elf", "--personality", "vkern");
        assertEquals(0, r.status(), r.stderr());
        assertTrue(r.stdout().startsWith("hello from a 32-bit vkern guest\n"), r.stdout());
        assertTrue(r.stdout().endsWith("\nvkern32 done\n"), r.stdout());
    }

    @Test
    void withoutThePersonalitySyscallGoesToTheGuestsLstar() {
        // Its LSTAR is 0: the CPU would run whatever is there; the bounds keep this test finite.
        Result r = run("vkern64.elf", "--max-traps", "1000", "--timeout", "10");
        assertEquals("", r.stdout(), "no vkern print");
        assertTrue(r.status() != 0, r.summary());
    }
}
