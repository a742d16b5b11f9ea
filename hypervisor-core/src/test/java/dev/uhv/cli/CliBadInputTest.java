package dev.uhv.cli;

import dev.uhv.it.Checks;
import dev.uhv.it.Guests;
import dev.uhv.it.InProcess;
import dev.uhv.it.UhvProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's mistake (bad file, bad image, bad flag) gives exit status 2 and exactly one line on stderr
 * that starts with "uhv: " and says what is wrong: no stack trace, no guest started.
 */
class CliBadInputTest {
    @TempDir
    static Path dir;
    static Path demoElf, demoBin, empty, truncated, x32, aarch64, multibootElf, bigModule, badLineTrace, notTrace;

    @BeforeAll
    static void images() throws IOException {
        demoElf = Guests.copy("demo.elf", dir);
        demoBin = Guests.copy("demo.bin", dir);
        multibootElf = Guests.copy("mb-info.elf", dir);
        bigModule = Files.write(dir.resolve("big.img"), new byte[1 << 20]);
        byte[] elf = Guests.bytes("demo.elf");
        empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        truncated = Files.write(dir.resolve("truncated.elf"), Arrays.copyOf(elf, 20));
        byte[] class32 = elf.clone();
        class32[4] = 1; // EI_CLASS = ELFCLASS32, e_machine still EM_X86_64 (as the x32 ABI)
        x32 = Files.write(dir.resolve("x32.elf"), class32);
        byte[] arm = elf.clone();
        arm[18] = (byte) 183; // e_machine = EM_AARCH64 (little endian)
        arm[19] = 0;
        aarch64 = Files.write(dir.resolve("aarch64.elf"), arm);
        String event = "{\"seq\":1,\"t\":0.0,\"event\":\"step\",\"rip\":\"0x1000\",\"instruction\":\"nop\"}\n";
        badLineTrace = Files.writeString(dir.resolve("bad-line.jsonl"), event + "not json\n" + event);
        notTrace = Files.writeString(dir.resolve("not-trace.json"), "{\"name\": \"uhv\"}\n");
    }

    /** label, the arguments, a piece of the message that shows it is the right error. */
    static Stream<Arguments> mistakes() {
        String elf = demoElf.toString(), bin = demoBin.toString(), multiboot = multibootElf.toString();
        return Stream.of(
                Arguments.of("missing file", List.of("run", dir.resolve("missing.bin").toString()), "no such file"),
                Arguments.of("a directory", List.of("run", dir.toString()), "is a directory"),
                Arguments.of("empty file", List.of("run", empty.toString()), "empty"),
                Arguments.of("truncated ELF", List.of("run", truncated.toString()), "truncated"),
                Arguments.of("ELF32 for x86-64", List.of("run", x32.toString()), "not i386"),
                Arguments.of("--format elf32 with an ELF64", List.of("run", elf, "--format", "elf32"),
                        "not ELF32 as --format elf32 asks"),
                Arguments.of("AArch64 ELF", List.of("run", aarch64.toString()), "not x86-64"),
                Arguments.of("ELF segment outside RAM", List.of("run", elf, "--mem", "1M"), "outside guest RAM"),
                Arguments.of("raw image outside RAM", List.of("run", bin, "--mem", "64M", "--load-addr", "0x7000000"),
                        "does not fit in guest RAM"),
                Arguments.of("raw image across the end of RAM", List.of("run", bin, "--mem", "1M", "--load-addr",
                        "0xff000"), "does not fit in guest RAM"),
                Arguments.of("entry outside RAM", List.of("run", elf, "--entry", "0x7000000"), "--entry 0x7000000"),
                Arguments.of("--mem not 4K", List.of("run", elf, "--mem", "4097"), "--mem 4097"),
                Arguments.of("--mem too large", List.of("run", elf, "--mem", "4G"), "--mem 4G"),
                Arguments.of("--mem not a number", List.of("run", elf, "--mem", "abc"), "--mem abc"),
                Arguments.of("--cpu beyond the host", List.of("run", elf, "--cpu", "99"), "--cpu 99"),
                Arguments.of("--serial bogus", List.of("run", elf, "--serial", "bogus"), "--serial bogus"),
                Arguments.of("--serial unwritable", List.of("run", elf, "--serial", "file:" + dir.resolve("no/such/x")),
                        "--serial"),
                Arguments.of("--format bogus", List.of("run", elf, "--format", "coff"), "--format coff"),
                Arguments.of("--format multiboot without a header", List.of("run", elf, "--format", "multiboot"),
                        "no multiboot header"),
                Arguments.of("--append with an ELF64", List.of("run", elf, "--append", "x"),
                        "--append and --module need a multiboot kernel, and this image has no multiboot header"),
                Arguments.of("--module with --format elf", List.of("run", multiboot, "--format", "elf", "--module",
                        multiboot), "--append and --module need a multiboot kernel, and --format elf is not one"),
                Arguments.of("--module missing", List.of("run", multiboot, "--module", dir.resolve("nope.img")
                        + ",args"), "--module " + dir.resolve("nope.img") + ": no such file"),
                Arguments.of("--module a directory", List.of("run", multiboot, "--module", dir.toString()),
                        "is a directory, not a module"),
                Arguments.of("--module too large for --mem", List.of("run", multiboot, "--mem", "2M", "--module",
                        multiboot + "," + "x".repeat(10), "--module", bigModule.toString()),
                        "does not fit in guest RAM (2 MiB = 0x200000): give more --mem"),
                Arguments.of("--rdtsc bogus", List.of("run", elf, "--rdtsc", "slow"), "--rdtsc slow"),
                Arguments.of("--personality bogus", List.of("run", elf, "--personality", "linux"),
                        "--personality linux: expected default or vkern"),
                Arguments.of("--sensitive bogus", List.of("run", elf, "--sensitive", "trap"),
                        "--sensitive trap: expected auto, fault, patch or off"),
                Arguments.of("--trace into a missing folder", List.of("run", elf, "--trace",
                        dir.resolve("no/such/trace.jsonl").toString()), "--trace " + dir.resolve("no/such/trace.jsonl")
                        + ": cannot open for writing"),
                Arguments.of("--trace-limit below 1K", List.of("run", elf, "--trace", dir.resolve("t.jsonl").toString(),
                        "--trace-limit", "100"), "--trace-limit 100: must be at least 1K"),
                Arguments.of("--trace-limit not a size", List.of("run", elf, "--trace-limit", "lots"),
                        "--trace-limit lots"),
                Arguments.of("--stack outside RAM", List.of("run", elf, "--mem", "64M", "--stack", "0x8000000"),
                        "--stack 0x8000000"),
                Arguments.of("--stack beyond what uhv can give", List.of("run", elf, "--stack", "0x80000000"),
                        "--stack 0x80000000"),
                Arguments.of("--vga bogus", List.of("run", elf, "--vga", "bogus"), "--vga bogus: expected live or exit"),
                Arguments.of("--vga=bogus before the image", List.of("run", "--vga=bogus", elf),
                        "--vga bogus: expected live or exit"),
                Arguments.of("--vga-png into a missing folder", List.of("run", elf, "--vga-png",
                        dir.resolve("no/such/screen.png").toString()), "--vga-png " + dir.resolve("no/such/screen.png")
                        + ": cannot write there"),
                Arguments.of("--vga with RAM below the text buffer", List.of("run", bin, "--mem", "512K", "--load-addr",
                        "0x10000", "--vga", "exit"), "--vga: the text buffer at 0xb8000-0xbffff is outside guest RAM "
                        + "(--mem 512K); give --mem 768K or more"),
                Arguments.of("--timeout -1", List.of("run", elf, "--timeout", "-1"), "--timeout -1"),
                Arguments.of("--timeout 0", List.of("run", elf, "--timeout", "0"), "--timeout 0"),
                Arguments.of("unknown option", List.of("run", elf, "--bogus"), "--bogus"),
                Arguments.of("no image", List.of("run"), "IMAGE"),
                Arguments.of("no command", List.of(), "a command is required"),
                Arguments.of("demo with a bad flag", List.of("demo", "--mem", "abc"), "--mem abc"),
                Arguments.of("stats of a missing trace", List.of("stats", dir.resolve("none.jsonl").toString()),
                        dir.resolve("none.jsonl") + ": no such file"),
                Arguments.of("stats of a directory", List.of("stats", dir.toString()), "is a directory, not a trace"),
                Arguments.of("stats of a line that is not JSON", List.of("stats", badLineTrace.toString()),
                        badLineTrace + ":2: not JSON"),
                Arguments.of("stats of a file that is no trace", List.of("stats", notTrace.toString()),
                        notTrace + ": not a uhv trace"),
                Arguments.of("stats of an image", List.of("stats", elf), elf + ":1: not JSON"),
                Arguments.of("stats --format bogus", List.of("stats", badLineTrace.toString(), "--format", "csv"),
                        "--format csv: expected table or json"),
                Arguments.of("stats --top 0", List.of("stats", badLineTrace.toString(), "--top", "0"),
                        "--top 0: must be at least 1"),
                Arguments.of("stats without a trace", List.of("stats"), "TRACE"));
    }

    /** A few cases are enough to show the launcher (System.exit, the JVM) adds nothing. */
    static Stream<Arguments> launcherMistakes() {
        List<String> chosen = List.of("missing file", "truncated ELF", "unknown option", "--mem 4G",
                "stats of a line that is not JSON");
        return mistakes().filter(a -> chosen.contains((String) a.get()[0]));
    }

    private static void assertOneLineError(int status, String stdout, String stderr, String fragment) {
        assertEquals(2, status, "exit status; stderr:\n" + stderr);
        List<String> lines = stderr.lines().toList();
        assertEquals(1, lines.size(), "exactly one line on stderr:\n" + stderr);
        String line = lines.get(0);
        assertTrue(line.startsWith("uhv: "), line);
        assertTrue(line.contains(fragment), "expected '" + fragment + "' in: " + line);
        assertFalse(stderr.contains("Exception") || stderr.contains("at dev.uhv") || stderr.contains("\tat "),
                "a stack trace reached the user:\n" + stderr);
        assertEquals("", stdout, "nothing on stdout");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void oneLineAndStatus2(String label, List<String> args, String fragment) {
        InProcess.Call c = InProcess.call(args.toArray(String[]::new));
        assertOneLineError(c.status(), c.stdout(), c.stderr(), fragment);
        Checks.assertNoChildProcess();
    }

    /** The same through a real `java -jar uhv.jar` process: nothing else reaches the user. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("launcherMistakes")
    void oneLineAndStatus2FromTheLauncher(String label, List<String> args, String fragment) {
        UhvProcess.Result r = UhvProcess.run(dir, args.toArray(String[]::new));
        assertOneLineError(r.status(), r.stdout(), r.stderr(), fragment);
    }
}
