package dev.uhv.it;

import dev.uhv.cli.Main;
import dev.uhv.exec.StateDump;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the `uhv` CLI inside the test JVM through {@link Main#execute}, with System.out and
 * System.err swapped for buffers (restored afterwards), and guest output sent to files.
 */
public final class InProcess {
    private InProcess() {
    }

    /** What one CLI call returned and printed. */
    public record Call(int status, String stdout, String stderr, double seconds) {
        public List<String> stderrLines() {
            return stderr.lines().toList();
        }

        /** The last stderr line that starts with "uhv: " (the summary line of a run), or null. */
        public String summary() {
            List<String> lines = stderr.lines().filter(l -> l.startsWith("uhv: ")).toList();
            return lines.isEmpty() ? null : lines.get(lines.size() - 1);
        }
    }

    /** A guest run: the call, what the guest wrote to COM1 and to debugcon, and the state dump. */
    public record GuestRun(Call call, String serial, String debugcon, StateDump dump) {
        public int status() {
            return call.status();
        }

        public List<String> serialLines() {
            return serial.lines().toList();
        }

        public String summary() {
            return call.summary();
        }
    }

    /** Main.execute(args) with stdout and stderr captured (a run gets this pass's --transport). */
    public static Call call(String... uhvArgs) {
        String[] args = TestTransport.apply(uhvArgs);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            status = Main.execute(args);
            o.flush();
            e.flush();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Call call = new Call(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), seconds);
        // Let a failing test show what uhv said.
        oldErr.print("[uhv " + String.join(" ", args) + "] -> " + status + "\n" + call.stderr());
        return call;
    }

    /**
     * `uhv run DIR/GUEST --serial file:.. --debugcon file:.. --dump-state .. EXTRA...` with guest
     * (for example "demo.elf") copied from the classpath into dir.
     */
    public static GuestRun run(Path dir, String guest, String... extra) {
        Path image = Guests.copy(guest, dir);
        return runImage(dir, image, extra);
    }

    /** As {@link #run}, for an image already on disk. */
    public static GuestRun runImage(Path dir, Path image, String... extra) {
        String stem = image.getFileName().toString().replace('.', '-');
        Path serial = dir.resolve(stem + ".serial");
        Path debugcon = dir.resolve(stem + ".debugcon");
        Path dump = dir.resolve(stem + ".dump.json");
        List<String> args = new ArrayList<>(List.of("run", image.toString(), "--serial", "file:" + serial,
                "--debugcon", "file:" + debugcon, "--dump-state", dump.toString()));
        args.addAll(Arrays.asList(extra));
        Call call = call(args.toArray(String[]::new));
        return new GuestRun(call, readOrEmpty(serial), readOrEmpty(debugcon), readDump(dump));
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StateDump readDump(Path p) {
        try {
            return Files.exists(p) ? StateDump.readJson(Files.readString(p, StandardCharsets.UTF_8)) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the state dump " + p, e);
        }
    }
}
