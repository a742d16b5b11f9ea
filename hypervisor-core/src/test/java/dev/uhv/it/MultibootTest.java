package dev.uhv.it;

import static dev.uhv.it.Checks.assertHex;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.it.InProcess.GuestRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The multiboot guests (guests/README.md) booted by `uhv run` with --append and --module: what they
 * print of the boot information uhv gave them, and the 32-bit protected mode they ran in.
 */
class MultibootTest {
    /** What the v1 and v2 guests print of the memory map for 32 MiB of RAM (--mem 32M). */
    private static final List<String> MEMORY_MAP_32M = List.of(
            "base=0x0000000000000000 length=0x000000000009fc00 type=0x00000001",
            "base=0x000000000009fc00 length=0x0000000000000400 type=0x00000002",
            "base=0x00000000000f0000 length=0x0000000000010000 type=0x00000002",
            "base=0x0000000000100000 length=0x0000000001f00000 type=0x00000001");
    private static final Pattern MODULE = Pattern.compile("mod(?:ule)? start=0x(\\p{XDigit}{8}) end=0x(\\p{XDigit}{8})"
            + " string=(.*)");
    private static final byte[] PAYLOAD = "MODULE-PAYLOAD-0123456789\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    private Path module(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** The guest exited with v = 0 (status 1), in 32-bit protected mode with paging off (CR0 = PE|ET, EFER = 0). */
    private static void assertGuestExitIn32BitMode(GuestRun run) {
        assertEquals(1, run.status(), "exit status; serial:\n" + run.serial());
        assertEquals("debug exit", run.dump().exitReason());
        assertAll(
                () -> assertHex(0x11, run.dump().controlRegisters().get("cr0"), "cr0"),
                () -> assertHex(0, run.dump().controlRegisters().get("efer"), "efer"),
                () -> assertEquals(32, run.dump().codeBits(), "code bits"));
    }

    /** The module line at index i: asserts it is page-aligned at or above minStart, of length bytes, with string. */
    private static long assertModule(List<String> lines, int i, long minStart, int length, String string) {
        Matcher m = MODULE.matcher(lines.get(i));
        assertTrue(m.matches(), lines.get(i));
        long start = Long.parseLong(m.group(1), 16);
        assertEquals(0, start % 4096, "page-aligned: " + lines.get(i));
        assertTrue(start >= minStart, "above the kernel / the previous module: " + lines.get(i));
        assertEquals(start + length, Long.parseLong(m.group(2), 16), "mod_end = mod_start + size");
        assertEquals(string, m.group(3));
        return start + length;
    }

    @Test
    void v1ElfKernelGetsMemoryCommandLineMemoryMapAndModules() throws IOException {
        Path first = module("payload.txt", PAYLOAD);
        Path second = module("second.bin", new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
        Path image = Guests.copy("mb-info.elf", dir);

        GuestRun run = InProcess.runImage(dir, image, "--mem", "32M", "--append", "console=ttyS0 quiet",
                "--module", first + ",first module", "--module", second.toString());

        assertGuestExitIn32BitMode(run);
        List<String> lines = run.serialLines();
        assertEquals(List.of(
                "mb-info: multiboot v1, ELF",
                "magic=0x2badb002",
                "info=0x00009000",
                "flags=0x0000024d",
                "mem_lower=0x0000027f",
                "mem_upper=0x00007c00",
                "cmdline=" + image + " console=ttyS0 quiet",
                "boot_loader_name=uhv"), lines.subList(0, 8));
        assertEquals(MEMORY_MAP_32M.stream().map(e -> "mmap size=0x00000014 " + e).toList(), lines.subList(8, 12));
        assertEquals("mods_count=0x00000002", lines.get(12));
        long end = assertModule(lines, 13, 0x101000, PAYLOAD.length, first + " first module");
        assertEquals("mod bytes=" + HexFormat.of().formatHex(PAYLOAD, 0, 8), lines.get(14));
        assertModule(lines, 15, end, 4, second.toString());
        assertEquals("mod bytes=deadbeef", lines.get(16));
        assertEquals(List.of("mb-info done"), lines.subList(17, lines.size()), "no FAIL line");
    }

    @Test
    void v1FlatKernelLoadsThroughTheAoutKludgeFields() throws IOException {
        Path payload = module("payload.txt", PAYLOAD);
        Path image = Guests.copy("mb-info-kludge.bin", dir);

        GuestRun run = InProcess.runImage(dir, image, "--module", payload.toString());

        assertGuestExitIn32BitMode(run);
        List<String> lines = run.serialLines();
        assertEquals("mb-info: multiboot v1, a.out kludge", lines.get(0));
        assertEquals("mem_upper=0x0000fc00", lines.get(5), "the default 64 MiB of RAM");
        assertEquals("cmdline=" + image + " ", lines.get(6), "no --append: QEMU's \"IMAGE \"");
        assertModule(lines, 13, 0x101000, PAYLOAD.length, payload.toString());
        assertEquals("mb-info done", lines.get(lines.size() - 1));
        assertTrue(run.serial().indexOf("FAIL") < 0, run.serial());
    }

    @Test
    void v2KernelGetsItsTags() throws IOException {
        Path payload = module("payload.txt", PAYLOAD);
        Path image = Guests.copy("mb2-info.elf", dir);

        GuestRun run = InProcess.runImage(dir, image, "--mem", "32M", "--append", "console=ttyS0 quiet",
                "--module", payload + ",initrd args");

        assertGuestExitIn32BitMode(run);
        List<String> lines = run.serialLines();
        assertEquals(List.of(
                "mb2-info: multiboot2",
                "magic=0x36d76289",
                "info=0x00009000"), lines.subList(0, 3));
        assertTrue(lines.get(3).startsWith("total_size=0x"), lines.get(3));
        assertEquals(List.of("cmdline=console=ttyS0 quiet", "boot_loader_name=uhv"), lines.subList(4, 6),
                "the --append text alone, as GRUB 2 passes it");
        assertModule(lines, 6, 0x101000, PAYLOAD.length, "initrd args");
        assertEquals("mod bytes=" + HexFormat.of().formatHex(PAYLOAD, 0, 8), lines.get(7));
        assertEquals(List.of("mem_lower=0x0000027f", "mem_upper=0x00007c00",
                "mmap entry_size=0x00000018 entry_version=0x00000000"), lines.subList(8, 11));
        assertEquals(MEMORY_MAP_32M.stream().map(e -> "mmap " + e).toList(), lines.subList(11, 15));
        assertEquals(List.of("mb2-info done"), lines.subList(15, lines.size()), "no FAIL line");
    }

    @Test
    void forcedToPlainElf32TheKernelFindsNoMultibootMagic() {
        GuestRun run = InProcess.run(dir, "mb-info.elf", "--format", "elf32");

        assertEquals(3, run.status(), "a self-check failed");
        assertEquals(List.of("mb-info: multiboot v1, ELF", "magic=0x00000000",
                "FAIL: eax is not the multiboot v1 boot loader magic", "checks failed: 0x00000001"), run.serialLines());
    }
}
