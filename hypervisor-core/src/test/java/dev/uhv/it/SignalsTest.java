package dev.uhv.it;

import dev.uhv.exec.StateDump;
import dev.uhv.it.UhvProcess.Result;
import dev.uhv.it.UhvProcess.Started;
import dev.uhv.linux.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A uhv process stopped from outside (Ctrl-C, a timeout, SIGKILL) loses no guest output and leaves
 * no guest process behind.
 */
class SignalsTest {
    private static final int SIGTERM = 15;

    @TempDir
    Path dir;

    /** Starts `uhv run spin.elf ARGS`, waits for its first line, and returns it with its one child. */
    private record Spinning(Started uhv, ProcessHandle child) {
    }

    private Spinning startSpin(String... extra) throws InterruptedException {
        Path spin = Guests.copy("spin.elf", dir);
        List<String> args = new java.util.ArrayList<>(List.of("run", spin.toString()));
        args.addAll(List.of(extra));
        Started s = UhvProcess.start(dir, UhvProcess.launch().command(args.toArray(String[]::new)), Map.of());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!s.stdout().contains("spinning forever\n")) {
            if (!s.process().isAlive() || System.nanoTime() > deadline) {
                s.process().destroyForcibly();
                throw new AssertionError("uhv never printed the guest's first line; stderr:\n" + s.stderr());
            }
            Thread.sleep(20);
        }
        List<ProcessHandle> children = s.process().children().toList();
        assertEquals(1, children.size(), "uhv has one child, the guest process: " + children);
        ProcessHandle child = children.get(0);
        assertEquals("uhv-child", Files.exists(Path.of("/proc", Long.toString(child.pid()), "comm"))
                ? readComm(child.pid()) : "?", "the child is uhv-child");
        return new Spinning(s, child);
    }

    private static String readComm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** Gone, or a zombie (checked in that order, so a process reaped meanwhile counts as gone). */
    private static boolean dead(Path stat) {
        return zombie(stat) || !Files.exists(stat);
    }

    private static boolean zombie(Path stat) {
        try {
            String text = Files.readString(stat);
            return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return false; // gone meanwhile
        }
    }

    private static void assertGone(ProcessHandle child) throws InterruptedException {
        // uhv has exited; an orphan would be adopted by init and stay visible under /proc.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(Path.of("/proc", Long.toString(child.pid()))) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(Path.of("/proc", Long.toString(child.pid()))),
                "the guest process " + child.pid() + " outlived uhv");
    }

    @Test
    void ctrlCStopsTheGuestWritesTheDumpAndLeavesNoChild() throws Exception {
        Path dump = dir.resolve("dump.json");
        Spinning s = startSpin("--dump-state", dump.toString());
        Signals.kill((int) s.uhv().process().pid(), Signals.SIGINT);
        Result r = s.uhv().await(30);
        assertEquals(130, r.status(), "exit status");
        assertEquals("spinning forever\n", r.stdout(), "guest output");
        assertTrue(r.summary() != null && r.summary().startsWith("uhv: interrupted"), r.stderr());
        StateDump d = StateDump.readJson(Files.readString(dump));
        assertEquals("interrupted", d.exitReason());
        assertEquals(130, d.exitStatus());
        Checks.summaryText(r.summary(), d);
        assertGone(s.child());
    }

    /**
     * SIGUSR1 to uhv writes the state while the guest goes on: PATH.1, PATH.2 for --dump-state PATH,
     * each showing the guest where it spins; PATH itself keeps the dump at exit.
     */
    @Test
    void sigusr1WritesADumpWhileTheGuestRuns() throws Exception {
        Path dump = dir.resolve("dump.json");
        Spinning s = startSpin("--dump-state", dump.toString());
        int uhv = (int) s.uhv().process().pid();
        for (int n = 1; n <= 2; n++) {
            Signals.kill(uhv, Signals.SIGUSR1);
            awaitStderr(s.uhv(), "uhv: state dump " + n + " (SIGUSR1) written to " + dump + "." + n);
        }
        assertTrue(s.uhv().process().isAlive(), "the guest runs on after the dumps; stderr:\n" + s.uhv().stderr());
        Signals.kill(uhv, Signals.SIGINT);
        Result r = s.uhv().await(30);
        assertEquals(130, r.status(), r.stderr());
        StateDump atExit = StateDump.readJson(Files.readString(dump));
        assertEquals("interrupted", atExit.exitReason());
        for (int n = 1; n <= 2; n++) {
            StateDump d = StateDump.readJson(Files.readString(dir.resolve("dump.json." + n)));
            assertEquals("running", d.exitReason(), "dump " + n);
            // spin.s ends in `1: jmp 1b`: wherever the guest was stopped, it was there.
            assertEquals(atExit.registers().get("rip"), d.registers().get("rip"), "dump " + n + "'s rip");
            assertEquals("eb fe", d.code().bytes().substring(3 * d.code().ripOffset(), 3 * d.code().ripOffset() + 5),
                    "dump " + n + " shows the spin loop's jmp at rip");
        }
        assertGone(s.child());
    }

    private static void awaitStderr(Started s, String line) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!s.stderr().contains(line)) {
            if (!s.process().isAlive() || System.nanoTime() > deadline) {
                s.process().destroyForcibly();
                throw new AssertionError("uhv never said \"" + line + "\"; stderr:\n" + s.stderr());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void timeoutInAProcessKeepsStdoutOutput() throws Exception {
        Path spin = Guests.copy("spin.elf", dir);
        long start = System.nanoTime();
        // 3 s: time enough for the guest's first line on a loaded two-CPU host, where 1 s was not.
        Result r = UhvProcess.run(dir, "run", spin.toString(), "--timeout", "3");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(8, r.status(), "exit status");
        assertEquals("spinning forever\n", r.stdout(), "guest output");
        assertTrue(r.summary().startsWith("uhv: timeout: "), r.summary());
        assertTrue(seconds < 15, "took " + seconds + " s");
    }

    @Test
    void sigtermStopsTheGuestWith143AndLeavesNoChild() throws Exception {
        Spinning s = startSpin();
        Signals.kill((int) s.uhv().process().pid(), SIGTERM);
        Result r = s.uhv().await(30);
        assertEquals(128 + SIGTERM, r.status(), "exit status");
        assertEquals("spinning forever\n", r.stdout(), "guest output");
        assertTrue(r.summary() != null && r.summary().startsWith("uhv: terminated: by SIGTERM"), r.stderr());
        assertGone(s.child());
    }

    /**
     * A terminal signals its whole foreground process group (Ctrl-C, Ctrl-Z, a resize). The guest's
     * process has a group of its own, and signals that reach it anyway are not guest traps.
     */
    @Test
    void signalsSentToTheGuestProcessAreNotTraps() throws Exception {
        Spinning s = startSpin();
        assertNotEquals(processGroup(s.uhv().process().pid()), processGroup(s.child().pid()),
                "the guest process has a process group of its own");
        for (int signal : new int[] {28 /* SIGWINCH */, Signals.SIGINT, Signals.SIGUSR1}) {
            Signals.kill((int) s.child().pid(), signal);
        }
        Thread.sleep(300);
        assertTrue(s.uhv().process().isAlive(), "uhv still runs the guest; stderr:\n" + s.uhv().stderr());

        Signals.kill((int) s.uhv().process().pid(), Signals.SIGINT);
        Result r = s.uhv().await(30);
        assertEquals(130, r.status(), r.stderr());
        assertTrue(r.summary().startsWith("uhv: interrupted: by Ctrl-C"), r.summary());
        assertGone(s.child());
    }

    private static long processGroup(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }

    @Test
    void sigkillOfUhvKillsTheGuestToo() throws Exception {
        Spinning s = startSpin();
        Signals.kill((int) s.uhv().process().pid(), Signals.SIGKILL);
        Result r = s.uhv().await(30);
        assertEquals(128 + Signals.SIGKILL, r.status(), "exit status");
        // Nobody in uhv could reap it: the child must be dead (PTRACE_O_EXITKILL, PDEATHSIG), gone or
        // a zombie waiting for init to reap it.
        Path stat = Path.of("/proc", Long.toString(s.child().pid()), "stat");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!dead(stat) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(dead(stat), "the guest process " + s.child().pid() + " outlived uhv");
    }
}
