package dev.uhv.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.NativeHostCpuid;
import dev.uhv.cpu.Rflags;
import dev.uhv.exec.ChildProbe;
import dev.uhv.exec.StateDump;
import dev.uhv.it.InProcess.GuestRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.uhv.it.Checks.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sensitive instructions that do not fault at the host's CPL3 (cpuid on this host, pushf/popf,
 * sgdt/sidt/smsw/str/sldt, mov from a segment register), seen through the code scanner's patches:
 * the guests of guests/README.md check what a CPU at CPL0 gives, and the dump names each patch.
 */
class SensitiveInstructionsTest {
    private static final Pattern LEAF = Pattern.compile(
            "leaf 0x([0-9a-f]{8}) eax=0x([0-9a-f]{8}) ebx=0x([0-9a-f]{8}) ecx=0x([0-9a-f]{8}) edx=0x([0-9a-f]{8})");

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    private static void assertPassed(GuestRun run) {
        assertFalse(run.serial().contains("FAIL"), run.serial());
        assertEquals(1, run.status(), "exit status; " + run.summary() + "\n" + run.serial());
    }

    private static StateDump.Patch patch(StateDump dump, String instruction) {
        return dump.sensitive().patches().stream().filter(p -> p.instruction().equals(instruction)).findFirst()
                .orElseThrow(() -> new AssertionError("no patch of `" + instruction + "` in "
                        + dump.sensitive().patches()));
    }

    @Test
    void cpuidLeavesAreUhvsModelNotTheHosts() {
        GuestRun run = InProcess.run(dir, "sensitive-cpuid.elf");
        assertPassed(run);
        CpuidModel model = new CpuidModel(new NativeHostCpuid());
        long cr4 = hex(run.dump().controlRegisters().get("cr4"));
        long apicBase = hex(run.dump().msrs().get("APIC_BASE"));
        Matcher m = LEAF.matcher(run.serial());
        int leaves = 0;
        while (m.find()) {
            int leaf = Integer.parseUnsignedInt(m.group(1), 16);
            CpuidResult want = model.query(leaf, 0, cr4, apicBase);
            assertEquals(List.of(want.eax(), want.ebx(), want.ecx(), want.edx()),
                    List.of(Integer.parseUnsignedInt(m.group(2), 16), Integer.parseUnsignedInt(m.group(3), 16),
                            Integer.parseUnsignedInt(m.group(4), 16), Integer.parseUnsignedInt(m.group(5), 16)),
                    "leaf 0x" + m.group(1));
            leaves++;
        }
        assertEquals(4, leaves, run.serial());
        assertTrue(run.serial().contains("signature=uhvuhvuhvuhv\n"), run.serial());
        String cpuidBy = ChildProbe.run().cpuidFaulting() ? "fault" : "patch";
        assertEquals(cpuidBy, run.dump().sensitive().cpuid());
        assertEquals(4L, run.dump().trapsByFamily().get("cpuid"));
        if (cpuidBy.equals("patch")) {
            assertEquals(1L, patch(run.dump(), "cpuid").traps());
        }
    }

    @Test
    void withSensitiveOffTheGuestSeesTheHostsCpuid() {
        GuestRun run = InProcess.run(dir, "sensitive-cpuid.elf", "--sensitive", "off");
        assertFalse(run.serial().contains("signature=uhvuhvuhvuhv"), run.serial());
        assertFalse(run.dump().trapsByFamily().containsKey("cpuid"));
        assertEquals(List.of(), run.dump().sensitive().patches());
        assertEquals("native", run.dump().sensitive().cpuid());
    }

    @Test
    void withSensitivePatchCpuidIsPatchedWhateverTheHardware() {
        GuestRun run = InProcess.run(dir, "sensitive-cpuid.elf", "--sensitive", "patch");
        assertPassed(run);
        assertTrue(run.serial().contains("signature=uhvuhvuhvuhv\n"), run.serial());
        assertEquals("patch", run.dump().sensitive().cpuid());
        assertEquals(4, run.dump().sensitive().patches().stream().filter(p -> p.instruction().equals("cpuid"))
                .count());
    }

    @Test
    void descriptorTableStoresAndSegmentReadsGiveTheGuestsOwnValues() {
        GuestRun run = InProcess.run(dir, "sensitive-tables.elf");
        assertPassed(run);
        for (String line : List.of("sgdt base=0x0000000000101000 limit=0x003f", "sgdt matches", "sidt matches",
                "smsw matches", "str/sldt match", "cs=0x0010 ss=0x0018 ds=0x0018", "selectors match")) {
            assertTrue(run.serial().contains(line + "\n"), "`" + line + "` in\n" + run.serial());
        }
        for (String instruction : List.of("sgdt [", "sidt [", "smsw eax", "str ax", "sldt ax", "mov ax, cs",
                "mov ax, ss", "mov ax, ds")) {
            assertTrue(run.dump().sensitive().patches().stream().anyMatch(p -> p.instruction().startsWith(instruction)
                    && p.traps() == 1), instruction + " patched and trapped once: " + run.dump().sensitive().patches());
        }
    }

    @Test
    void pushfAndPopfSeeAndSetTheVirtualInterruptFlag() {
        GuestRun run = InProcess.run(dir, "sensitive-flags.elf");
        assertPassed(run);
        assertTrue(run.serial().contains("after cli IF=0x00\n"), run.serial());
        assertTrue(run.serial().contains("after popf IF=0x01\n"), run.serial());
        assertTrue(run.dump().interruptFlag(), "the last popf set the virtual IF");
        assertNotEquals(0, hex(run.dump().registers().get("rflags")) & Rflags.IF, "rflags in the dump shows IF");
        assertTrue(run.dump().trapsByFamily().get("flags") >= 6, run.dump().trapsByFamily().toString());
        assertTrue(patch(run.dump(), "popfq").traps() >= 1);
    }

    @Test
    void codeWrittenIntoAPageThatAlreadyRanIsScannedAgain() {
        GuestRun run = InProcess.run(dir, "smc-loader.elf");
        assertPassed(run);
        assertTrue(run.serial().contains("loaded cpuid signature=uhvuhvuhvuhv\n"), run.serial());
        assertTrue(run.serial().contains("self-modified cpuid signature=uhvuhvuhvuhv\n"), run.serial());
        StateDump.Sensitive s = run.dump().sensitive();
        assertTrue(s.invalidations() >= 2, "both pages were written after they ran: " + s);
        assertTrue(s.rescans() >= 2, "and ran again: " + s);
        assertEquals(3L, run.dump().trapsByFamily().get("cpuid"), "the direct, the loaded and the self-modified cpuid");
    }

    @Test
    void theTraceShowsScansDropsTrapsOnPatchesAndEveryPatchedSiteWithItsCount() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        GuestRun run = InProcess.run(dir, "smc-loader.elf", "--trace", trace.toString());
        assertPassed(run);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            events.add(json.readTree(line));
        }
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).get("seq").asInt(), "events in order");
        }
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("drop")
                && e.get("by").asText().equals("native write")), "a dropped scan");
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("scan") && e.get("rescan").asBoolean()
                && e.get("patches").size() == 1), "a rescan that patched the loaded cpuid");
        assertEquals(3, events.stream().filter(e -> e.get("event").asText().equals("trap")
                && e.path("patch").asBoolean() && e.get("instruction").asText().equals("cpuid")).count());
        JsonNode end = events.get(events.size() - 1);
        assertEquals("end", end.get("event").asText());
        assertEquals(run.dump().traps(), end.get("traps").asLong());
        assertEquals(3, end.get("patches").size());
        for (JsonNode site : end.get("patches")) {
            assertEquals("cpuid", site.get("instruction").asText());
            assertEquals(1, site.get("traps").asLong(), site.toString());
        }
    }

    @Test
    void everyPageThatRunsIsScannedOnce() {
        GuestRun run = InProcess.run(dir, "bench-scan.elf");
        assertPassed(run);
        StateDump.Sensitive s = run.dump().sensitive();
        assertTrue(s.pagesScanned() >= 257 && s.pagesScanned() <= 260, "256 bench pages and the entry's: " + s);
        assertEquals(0, s.rescans());
        assertEquals(Map.of(), Map.copyOf(run.dump().trapsByFamily()).entrySet().stream()
                .filter(e -> !e.getKey().equals("port_io")).collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, Map.Entry::getValue)), "nothing but the serial port trapped");
    }
}
