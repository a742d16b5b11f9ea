package dev.uhv.cli;

import dev.uhv.it.Checks;
import dev.uhv.it.Guests;
import dev.uhv.it.InProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `uhv --version`, `uhv --help`, `uhv doctor` and `uhv demo`, in process. */
class CliInfoTest {
    @TempDir
    Path dir;

    @Test
    void version() {
        InProcess.Call c = InProcess.call("--version");
        assertEquals(0, c.status());
        assertTrue(c.stdout().matches("uhv \\d+\\.\\d+\\.\\d+\\S* \\(Java .+\\)\\R"), c.stdout());
        assertEquals("", c.stderr());
    }

    @Test
    void help() {
        InProcess.Call c = InProcess.call("--help");
        assertEquals(0, c.status());
        String out = c.stdout();
        assertTrue(out.startsWith("Usage: uhv "), out);
        for (String s : new String[] {"run", "demo", "doctor", "--version", "Exit status", "12 guest system call blocked"}) {
            assertTrue(out.contains(s), "help lacks " + s + ":\n" + out);
        }
        assertEquals("", c.stderr());
    }

    @Test
    void helpRunListsTheOptions() {
        assertListsRunOptions(InProcess.call("help", "run"));
    }

    @Test
    void runDashDashHelpListsTheOptions() {
        assertListsRunOptions(InProcess.call("run", "--help"));
        assertEquals(0, InProcess.call("demo", "--help").status());
        assertEquals(0, InProcess.call("doctor", "--help").status());
    }

    private static void assertListsRunOptions(InProcess.Call c) {
        assertEquals(0, c.status(), c.stderr());
        for (String s : new String[] {"IMAGE", "--mem", "--format", "--load-addr", "--entry", "--stack", "--cpu",
                "--serial", "--debugcon", "--ignore-msrs", "--rdtsc", "--personality", "--sensitive", "--dump-state", "--timeout",
                "--max-traps"}) {
            assertTrue(c.stdout().contains(s), "run --help lacks " + s + ":\n" + c.stdout());
        }
    }

    @Test
    void doctorPassesHere() {
        InProcess.Call c = InProcess.call("doctor");
        assertEquals(0, c.status(), c.stdout());
        assertTrue(c.stdout().lines().anyMatch(l -> l.startsWith("[ok]   zydis")), c.stdout());
        assertTrue(c.stdout().lines().anyMatch(l -> l.startsWith("[ok]   guest process")), c.stdout());
        assertTrue(c.stdout().lines().anyMatch(l -> l.contains("ring tracking")), c.stdout());
        // The scanner's mprotect stub really ran in the child, behind its seccomp wall.
        assertTrue(c.stdout().lines().anyMatch(l -> l.startsWith("[ok]   code scanner: guest pages run only once "
                + "scanned")), c.stdout());
        String cpuidBy = dev.uhv.exec.ChildProbe.run().cpuidFaulting() ? "CPUID faulting" : "the code scanner";
        assertTrue(c.stdout().contains("[info] --sensitive auto (the default) here: cpuid by " + cpuidBy + ", the "
                + "others by the code scanner\n"), c.stdout());
        // The fast transport's child ran its handler's mprotect behind its own wall, or doctor says why not.
        boolean fast = dev.uhv.exec.FastTransport.supported();
        assertTrue(c.stdout().lines().anyMatch(l -> l.startsWith(fast ? "[ok]   fast transport: the guest process's "
                + "own signal handler" : "[warn] fast transport: ")), c.stdout());
        assertTrue(c.stdout().contains("[info] --transport " + (fast ? "fast" : "ptrace") + " (the default) here\n"),
                c.stdout());
        assertTrue(c.stdout().contains("uhv doctor: this host can run uhv guests"), c.stdout());
        assertTrue(c.stdout().lines().noneMatch(l -> l.startsWith("[FAIL]")), c.stdout());
        Checks.assertNoChildProcess();
    }

    @Test
    void doctorChecksAnImageAgainstGuestRam() {
        Path demo = Guests.copy("demo.elf", dir);
        InProcess.Call fits = InProcess.call("doctor", demo.toString());
        assertEquals(0, fits.status(), fits.stdout());
        assertTrue(fits.stdout().contains("[ok]   image " + demo + ": loads from 0x100000"), fits.stdout());

        InProcess.Call tooSmall = InProcess.call("doctor", demo.toString(), "--mem", "1M");
        assertEquals(1, tooSmall.status(), tooSmall.stdout());
        assertTrue(tooSmall.stdout().contains("[FAIL] image " + demo + ": ELF segment 0 at 0x100000"), tooSmall.stdout());
    }

    @Test
    void demoSucceeds() throws Exception {
        Path serial = dir.resolve("serial"), debugcon = dir.resolve("debugcon");
        InProcess.Call c = InProcess.call("demo", "--serial", "file:" + serial, "--debugcon", "file:" + debugcon);
        assertEquals(0, c.status(), c.stderr());
        assertTrue(Files.readString(serial).startsWith("uhv demo kernel: hello from ring 0 (virtual)\n"));
        assertTrue(Files.readString(serial).endsWith("demo done\n"));
        assertEquals("debugcon: hello from the demo kernel\n", Files.readString(debugcon));
        // The state table after the run.
        assertTrue(c.stdout().contains("Emulated CPU state at exit"), c.stdout());
        assertTrue(c.stdout().lines().anyMatch(l -> l.matches("\\s+LSTAR\\s+0xffffffff81000000")), c.stdout());
        assertTrue(c.stdout().lines().anyMatch(l -> l.matches("\\s+CR0\\s+0x0000000080010033")), c.stdout());
        assertTrue(c.summary().startsWith("uhv: guest exited with status 1 ("), c.summary());
        Checks.assertNoChildProcess();
    }
}
