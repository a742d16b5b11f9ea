package dev.uhv.it;

import dev.uhv.gdb.RspConnection;
import dev.uhv.it.UhvProcess.Result;
import dev.uhv.it.UhvProcess.Started;
import dev.uhv.linux.Signals;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --gdb end to end: the real gdb in batch mode on the gdb-target guest (symbols, a breakpoint, a
 * step, a variable, `monitor info msrs`, the guest's exit), and a client of uhv's own codec for
 * what batch gdb cannot do (Ctrl-C while the guest runs, kill, detach, resuming from a breakpoint).
 */
class GdbTest {
    private static final Path GDB = Path.of("/usr/bin/gdb");
    private static final Pattern LISTENING = Pattern.compile("uhv: (?:waiting|listening) for gdb on 127\\.0\\.0\\.1:(\\d+)");
    /** gdb-target's IA32_LSTAR and exit status (guests/README.md). */
    private static final long LSTAR = 0xffffffff81000000L;
    private static final int EXIT_STATUS = 5;

    @TempDir
    Path dir;

    /** The uhv of the running test: killed (with its child) if a failed assertion left it running. */
    private Started running;

    @org.junit.jupiter.api.AfterEach
    void killLeftovers() {
        if (running != null && running.process().isAlive()) {
            running.process().descendants().forEach(ProcessHandle::destroyForcibly);
            running.process().destroyForcibly();
        }
    }

    /** Starts `uhv run --gdb tcp::0 ARGS... GUEST` and returns it with the port it printed. */
    private record Listening(Started uhv, int port) {
    }

    private Listening start(String guest, String... args) throws InterruptedException {
        Path image = Guests.copy(guest, dir);
        List<String> uhvArgs = new ArrayList<>(List.of("run", "--gdb", "tcp::0"));
        uhvArgs.addAll(List.of(args));
        uhvArgs.add(image.toString());
        Started s = UhvProcess.start(dir, UhvProcess.launch().command(uhvArgs.toArray(String[]::new)), Map.of());
        running = s;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            Matcher m = LISTENING.matcher(s.stderr());
            if (m.find()) {
                return new Listening(s, Integer.parseInt(m.group(1)));
            }
            if (!s.process().isAlive() || System.nanoTime() > deadline) {
                s.process().destroyForcibly();
                throw new AssertionError("uhv never said where gdb can connect; stderr:\n" + s.stderr());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void realGdbBreaksStepsReadsAVariableAndTheMsrsThenTheGuestExits() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(GDB), "no gdb at " + GDB + " (apt-get install gdb)");
        Listening l = start("gdb-target.elf", "--gdb-wait");
        Path image = dir.resolve("gdb-target.elf");
        Process gdb = new ProcessBuilder(GDB.toString(), "-batch", "-nx",
                "-ex", "target remote 127.0.0.1:" + l.port(),
                "-ex", "break add_to_counter", "-ex", "continue", "-ex", "step", "-ex", "print counter",
                "-ex", "info registers cr0", "-ex", "print/x $efer", "-ex", "monitor info msrs", "-ex", "continue",
                image.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(gdb.waitFor(60, TimeUnit.SECONDS), "gdb did not finish");
        String out = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Result uhv = l.uhv().await(30);
        String all = "gdb said:\n" + out + "\nuhv said:\n" + uhv.stderr();
        long addToCounter = Guests.symbol("gdb-target.elf", "add_to_counter");
        assertTrue(Pattern.compile("Breakpoint 1 at 0x[0-9a-f]+: file c64/gdb-target\\.c, line (\\d+)")
                .matcher(out).find(), all);
        Matcher hit = Pattern.compile("Breakpoint 1, add_to_counter \\(amount=42\\) at c64/gdb-target\\.c:(\\d+)")
                .matcher(out);
        assertTrue(hit.find(), all);
        int line = Integer.parseInt(hit.group(1));
        assertTrue(Pattern.compile("(?m)^" + (line + 1) + "\\s").matcher(out).find(), "step reached the next line: " + all);
        assertTrue(out.contains("$1 = 42"), "counter after its line ran: " + all);
        assertTrue(Pattern.compile("cr0\\s+0x80010033\\s+\\[ PE MP ET NE WP PG \\]").matcher(out).find(), all);
        assertTrue(out.contains("$2 = 0xd01"), "EFER: " + all);
        assertTrue(out.contains(String.format("LSTAR              0xc0000082  %016x", LSTAR)), all);
        assertTrue(out.contains("exited with code 0" + EXIT_STATUS), all);
        assertTrue(addToCounter > 0x100000, "the symbol is where the guest links");
        assertEquals(EXIT_STATUS, uhv.status(), all);
        Checks.assertLines(uhv.stdout(), "gdb-target start", "gdb-target done");
        Checks.assertNoChildProcess();
    }

    /** A gdb client on uhv's own codec. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final RspConnection connection;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            connection = new RspConnection(socket.getInputStream(), socket.getOutputStream(), socket);
        }

        String ask(String packet) throws IOException {
            connection.send(packet);
            return reply();
        }

        String reply() throws IOException {
            RspConnection.Incoming in = connection.read();
            if (in instanceof RspConnection.Packet p) {
                return p.payload();
            }
            throw new AssertionError("expected a packet, got " + in);
        }

        void interrupt() throws IOException {
            socket.getOutputStream().write(0x03);
            socket.getOutputStream().flush();
        }

        long rip() throws IOException {
            String hex = ask("p10");
            long rip = 0;
            for (int i = 0; i < 8; i++) {
                rip |= Long.parseLong(hex.substring(2 * i, 2 * i + 2), 16) << (8 * i);
            }
            return rip;
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    @Test
    void continuingFromABreakpointRunsItsInstructionAndTheGuestEnds() throws Exception {
        Listening l = start("gdb-target.elf", "--gdb-wait");
        long fn = Guests.symbol("gdb-target.elf", "add_to_counter");
        long counter = Guests.symbol("gdb-target.elf", "counter");
        try (Client gdb = new Client(l.port())) {
            assertTrue(gdb.ask("qSupported:swbreak+").contains("swbreak+"));
            assertEquals("T05thread:01;", gdb.ask("?"));
            assertEquals(Guests.symbol("gdb-target.elf", "_start"), gdb.rip(), "stopped before the first instruction");
            assertEquals("OK", gdb.ask("Z0," + Long.toHexString(fn) + ",1"));
            assertEquals("T05swbreak:;thread:01;", gdb.ask("c"));
            assertEquals(fn, gdb.rip(), "rip at the breakpoint, not after its int3");
            assertEquals(String.format("%02x", 0x55), gdb.ask("m" + Long.toHexString(fn) + ",1").substring(0, 2),
                    "gdb reads the original byte (push rbp), not the int3");
            assertEquals("0000000000000000", gdb.ask("m" + Long.toHexString(counter) + ",8"));
            assertEquals("W" + String.format("%02x", EXIT_STATUS), gdb.ask("c"),
                    "the breakpoint's own instruction ran once, the guest went on to its end");
        }
        Result r = l.uhv().await(30);
        assertEquals(EXIT_STATUS, r.status(), r.stderr());
        Checks.assertLines(r.stdout(), "gdb-target start", "gdb-target done");
        Checks.assertNoChildProcess();
    }

    @Test
    void ctrlCStopsARunningGuestAndKillEndsTheRun() throws Exception {
        Listening l = start("spin.elf");
        try (Client gdb = new Client(l.port())) {
            assertEquals("T05thread:01;", gdb.ask("?"), () -> "gdb's attach stops the guest: " + l.uhv().stderr());
            gdb.connection.send("c");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!l.uhv().stdout().contains("spinning forever\n") && System.nanoTime() < deadline) {
                Thread.sleep(20); // the guest runs: its line comes out, then it spins
            }
            gdb.interrupt();
            String stopped = gdb.reply();
            assertEquals("T02thread:01;", stopped, () -> l.uhv().stderr());
            gdb.connection.send("qRcmd," + hex("info traps"));
            StringBuilder text = new StringBuilder();
            String reply;
            while (!(reply = gdb.reply()).equals("OK")) { // O packets, then OK
                text.append(unhex(reply.substring(1)));
            }
            assertTrue(text.toString().contains("port_io"), text.toString());
            gdb.connection.send("k");
        }
        Result r = l.uhv().await(30);
        assertEquals(143, r.status(), r.stderr());
        assertTrue(r.summary().startsWith("uhv: terminated: by gdb (kill)"), r.stderr());
        assertEquals("spinning forever\n", r.stdout());
        Checks.assertNoChildProcess();
    }

    @Test
    void afterADetachTheGuestRunsOnAndTheTimeoutStillEndsIt() throws Exception {
        Listening l = start("spin.elf", "--timeout", "3");
        try (Client gdb = new Client(l.port())) {
            assertEquals("T05thread:01;", gdb.ask("?"), () -> l.uhv().stderr());
            assertEquals("OK", gdb.ask("D"));
        }
        Result r = l.uhv().await(30);
        assertEquals(8, r.status(), r.stderr());
        assertTrue(r.summary().startsWith("uhv: timeout"), r.stderr());
        Checks.assertNoChildProcess();
    }

    /**
     * A gdb that goes without a word while the guest runs (killed, its connection dropped) frees the
     * stub for the next one, even with a guest that never traps (spin.elf): uhv stops it once to end
     * the lost session.
     */
    @Test
    void aGdbLostWhileTheGuestRunsMakesWayForTheNext() throws Exception {
        Listening l = start("spin.elf", "--timeout", "30");
        try (Client first = new Client(l.port())) {
            assertEquals("T05thread:01;", first.ask("?"), () -> l.uhv().stderr());
            first.connection.send("c");
        }
        String reply = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (reply == null && System.nanoTime() < deadline) {
            try (Client next = new Client(l.port())) {
                reply = next.ask("?");
                assertEquals("OK", next.ask("D"));
            } catch (IOException | AssertionError refused) {
                Thread.sleep(100); // the lost session may not have ended yet
            }
        }
        assertEquals("T05thread:01;", reply, () -> "the next gdb was never served; stderr:\n" + l.uhv().stderr());
        Signals.kill((int) l.uhv().process().pid(), Signals.SIGINT);
        Result r = l.uhv().await(30);
        assertEquals(130, r.status(), r.stderr());
        Checks.assertNoChildProcess();
    }

    @Test
    void badGdbValuesAreOneLine() {
        Result r = UhvProcess.run(dir, "run", "--gdb", "tcp:localhost:notaport", Guests.copy("spin.elf", dir).toString());
        assertEquals(2, r.status());
        assertEquals(List.of("uhv: --gdb tcp:localhost:notaport: expected tcp:HOST:PORT, tcp::PORT or :PORT"),
                r.stderrLines());
        r = UhvProcess.run(dir, "run", "--gdb-wait", Guests.copy("spin.elf", dir).toString());
        assertEquals(2, r.status());
        assertEquals(List.of("uhv: --gdb-wait needs --gdb (for example --gdb tcp::1234)"), r.stderrLines());
    }

    private static String hex(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }

    private static String unhex(String hex) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            out.append((char) Integer.parseInt(hex.substring(i, i + 2), 16));
        }
        return out.toString();
    }
}
