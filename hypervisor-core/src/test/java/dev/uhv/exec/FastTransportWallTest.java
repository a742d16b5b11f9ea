package dev.uhv.exec;

import dev.uhv.linux.HostSystem;
import dev.uhv.linux.Signals;
import dev.uhv.memory.SharedRam;
import dev.uhv.scan.PageProtector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast transport's child, started for real and held in its first trap: its seccomp wall lets the
 * handler's mprotect change guest RAM and nothing past it (the call kills the child, and uhv says so
 * as a guest crash), and the child is not traced, has no environment and is gone once closed.
 */
class FastTransportWallTest {
    private static final long RAM_SIZE = 1 << 20;
    private static final int PAGE = 4096;

    @BeforeAll
    static void needsTheFastTransport() {
        Assumptions.assumeTrue(FastTransport.supported(), "no FSGSBASE here: no fast transport");
    }

    @Test
    void mprotectInsideGuestRamWorksAndPastItsEndKillsTheChild() throws Exception {
        long base = HostSystem.lowestMappableAddress();
        try (SharedRam ram = new SharedRam(RAM_SIZE); FastTransport t = new FastTransport(false)) {
            t.start(NativeExecutables.childLauncher(), ram.fd(), base, ram.size() - base, base, -1, 0);
            int pid = t.livePid();
            Path proc = Path.of("/proc", Integer.toString(pid));
            assertTrue(Files.readString(proc.resolve("status")).contains("TracerPid:\t0\n"), "not traced");
            assertEquals(0, Files.readAllBytes(proc.resolve("environ")).length, "no environment");

            t.protect(RAM_SIZE - PAGE, PAGE, PageProtector.READ | PageProtector.EXECUTE);
            t.protect(RAM_SIZE - PAGE, PAGE, PageProtector.READ | PageProtector.WRITE);
            assertEquals(Signals.SIGILL, t.lastSignal(), "protect() keeps the trap's own signal");

            // Starts in RAM, ends a page past it: the wall kills.
            GuestProcessException e = assertThrows(GuestProcessException.class,
                    () -> t.protect(RAM_SIZE - PAGE, 2 * PAGE, PageProtector.READ | PageProtector.WRITE));
            assertTrue(e.getMessage().contains("killed by SIGSYS"), e.getMessage());
            assertEquals(-1, t.livePid(), "reaped");
            assertFalse(Files.exists(proc), "the child is gone");
        }
    }
}
