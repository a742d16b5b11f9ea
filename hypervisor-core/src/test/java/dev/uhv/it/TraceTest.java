package dev.uhv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uhv.it.InProcess.GuestRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `uhv run --trace` on guests that write known values (msr, cr, portio, exceptions): each trap event
 * carries the MSR, register, port and exception with the values the guest's source names; then
 * `uhv stats` on the same file counts what the state dump counts and lists the writes in the
 * guest's order.
 */
class TraceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    /** A run of guest with --trace; checks what every trace must hold and returns its events. */
    private List<JsonNode> traced(String guest, String... extra) throws IOException {
        Path trace = dir.resolve("trace.jsonl");
        List<String> args = new ArrayList<>(List.of("--trace", trace.toString()));
        args.addAll(List.of(extra));
        GuestRun run = InProcess.run(dir, guest, args.toArray(String[]::new));
        assertFalse(run.serial().contains("FAIL"), run.serial());
        assertEquals(1, run.status(), run.summary());
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            events.add(JSON.readTree(line));
        }
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).get("seq").asLong(), "events in order");
        }
        JsonNode end = events.get(events.size() - 1);
        assertEquals("end", end.get("event").asText(), "the end event comes last");
        assertEquals(run.dump().traps(), end.get("traps").asLong(), "the end event counts the run's traps");
        if (end.get("dropped").asLong() == 0) {
            assertEquals(run.dump().traps(), events.stream().filter(e -> e.get("event").asText().equals("trap"))
                    .count(), "one trap event per trap");
        }
        return events;
    }

    private static List<JsonNode> traps(List<JsonNode> events, Predicate<JsonNode> which) {
        return events.stream().filter(e -> e.get("event").asText().equals("trap")).filter(which).toList();
    }

    private static JsonNode onlyOne(List<JsonNode> events, Predicate<JsonNode> which, String what) {
        List<JsonNode> found = traps(events, which);
        assertEquals(1, found.size(), what + ": " + found);
        return found.get(0);
    }

    private static Predicate<JsonNode> msrWrite(String name) {
        return e -> e.path("msr").path("name").asText().equals(name) && e.get("msr").get("direction").asText()
                .equals("write");
    }

    private static Predicate<JsonNode> registerWrite(String name) {
        return e -> e.path("register").path("name").asText().equals(name) && e.get("register").get("direction")
                .asText().equals("write");
    }

    @Test
    void msrTrapsCarryTheIndexNameAndValueAndStatsListsTheWritesInOrder() throws Exception {
        List<JsonNode> events = traced("msr.elf");

        JsonNode lstar = onlyOne(events, msrWrite("LSTAR"), "the LSTAR write");
        assertEquals("wrmsr", lstar.get("instruction").asText());
        assertEquals("msr", lstar.get("family").asText());
        assertEquals("0xc0000082", lstar.get("msr").get("index").asText());
        assertEquals("0xffffffff81000000", lstar.get("msr").get("value").asText());
        assertEquals("advanced", lstar.get("outcome").asText());
        JsonNode efer = onlyOne(events, e -> e.path("msr").path("name").asText().equals("EFER"), "the EFER read");
        assertEquals("read", efer.get("msr").get("direction").asText());
        assertEquals("0xd01", efer.get("msr").get("value").asText());

        Path trace = dir.resolve("trace.jsonl");
        InProcess.Call table = InProcess.call("stats", trace.toString());
        assertEquals(0, table.status(), table.stderr());
        List<String> lines = table.stdout().lines().toList();
        long traps = events.get(events.size() - 1).get("traps").asLong();
        String reason = events.get(events.size() - 1).get("reason").asText();
        assertTrue(lines.get(0).startsWith(trace + ": " + traps + " traps, "), lines.get(0));
        assertTrue(lines.get(0).endsWith("of guest time, ended: " + reason), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +\\d+ +0x[0-9a-f]+ +LSTAR +0xffffffff81000000")),
                table.stdout());

        InProcess.Call json = InProcess.call("stats", trace.toString(), "--format", "json");
        assertEquals(0, json.status(), json.stderr());
        JsonNode stats = JSON.readTree(json.stdout());
        assertEquals(traps, stats.get("traps").asLong());
        assertTrue(stats.get("complete").asBoolean());
        long msrTraps = traps(events, e -> e.get("family").asText().equals("msr")).size();
        JsonNode msrFamily = stats.get("families").findParents("name").stream()
                .filter(f -> f.get("name").asText().equals("msr")).findFirst().orElseThrow();
        assertEquals(msrTraps, msrFamily.get("count").asLong());
        List<String> written = new ArrayList<>();
        for (JsonNode w : stats.get("writes")) {
            written.add(w.get("register").asText());
        }
        assertEquals(List.of("STAR", "LSTAR", "CSTAR", "SFMASK", "KERNEL_GS_BASE", "TSC_AUX", "PAT", "SYSENTER_CS",
                "SYSENTER_ESP", "SYSENTER_EIP", "MTRR_DEF_TYPE", "FS_BASE", "GS_BASE", "KERNEL_GS_BASE", "TSC"),
                written, "the guest's wrmsr, in its order");
    }

    @Test
    void crWritesCarryTheirOldAndNewValues() throws Exception {
        List<JsonNode> events = traced("cr.elf");

        List<JsonNode> cr0 = traps(events, registerWrite("cr0"));
        assertEquals(2, cr0.size(), "AM toggled, then restored");
        assertEquals("0x80010033", cr0.get(0).get("register").get("old").asText());
        assertEquals("0x80050033", cr0.get(0).get("register").get("new").asText());
        assertEquals("0x80010033", cr0.get(1).get("register").get("new").asText());
        assertEquals("0x1234000", onlyOne(events, registerWrite("cr2"), "cr2").get("register").get("new").asText());
        assertEquals("0x2000", traps(events, registerWrite("cr3")).get(0).get("register").get("new").asText());
        assertEquals("0x5", traps(events, registerWrite("cr8")).get(0).get("register").get("new").asText());
        JsonNode read = traps(events, e -> e.path("register").path("direction").asText().equals("read")).get(0);
        assertEquals("mov rbx, cr0", read.get("instruction").asText());
        assertEquals("0x80010033", read.get("register").get("value").asText());

        JsonNode stats = JSON.readTree(InProcess.call("stats", dir.resolve("trace.jsonl").toString(), "--format",
                "json").stdout());
        List<String> written = new ArrayList<>();
        for (JsonNode w : stats.get("writes")) {
            written.add(w.get("register").asText() + "=" + w.get("value").asText());
        }
        assertEquals(List.of("cr0=0x80050033", "cr0=0x80010033", "cr2=0x1234000", "cr3=0x2000"),
                written.subList(0, 4));
        assertEquals("cr8=0x0", written.get(written.size() - 1), "the last write puts CR8 back");
    }

    @Test
    void portTrapsCarryThePortDirectionDeviceAndValues() throws Exception {
        List<JsonNode> events = traced("portio.elf");

        List<JsonNode> scratch = traps(events, e -> e.path("io").path("port").asText().equals("0x3ff"));
        JsonNode out = scratch.get(0).get("io");
        assertEquals("out", out.get("direction").asText());
        assertEquals("uart16550", out.get("device").asText());
        assertEquals("[\"0x5a\"]", out.get("values").toString());
        JsonNode in = scratch.get(1).get("io");
        assertEquals("in", in.get("direction").asText());
        assertEquals("[\"0x5a\"]", in.get("values").toString());
        JsonNode unclaimed = traps(events, e -> e.path("instruction").asText().equals("in ax, 0xE0")).get(0).get("io");
        assertEquals("unclaimed", unclaimed.get("device").asText());
        assertEquals(2, unclaimed.get("size").asInt());
        assertEquals("[\"0xffff\"]", unclaimed.get("values").toString());
        JsonNode repOuts = traps(events, e -> e.path("instruction").asText().equals("rep outsb")
                && e.get("io").get("port").asText().equals("0x3f8")).get(0).get("io");
        assertEquals(23, repOuts.get("count").asLong(), "\"rep outsb to com1: ok!\\n\"");
        List<String> first = new ArrayList<>();
        for (JsonNode v : repOuts.get("values")) {
            first.add(Character.toString((char) Long.parseLong(v.asText().substring(2), 16)));
        }
        assertEquals("rep outs", String.join("", first), "the first 8 bytes it wrote");
    }

    @Test
    void anExceptionDeliveredThroughTheIdtCarriesItsVectorAndWhereItWent() throws Exception {
        List<JsonNode> events = traced("exceptions.elf");

        JsonNode lidt = onlyOne(events, e -> e.path("table").path("register").asText().equals("idtr"), "lidt");
        assertEquals("0xfff", lidt.get("table").get("limit").asText());
        String rdmsrAt = "0x" + Long.toHexString(Guests.symbol("exceptions.elf", "gp_rdmsr"));
        JsonNode rdmsr = onlyOne(events, e -> e.get("rip").asText().equals(rdmsrAt), "the rdmsr of 0xdeadbeef");
        assertEquals("msr", rdmsr.get("family").asText());
        JsonNode gp = rdmsr.get("exception");
        assertEquals(13, gp.get("vector").asInt());
        assertEquals("#GP(0x0)", gp.get("name").asText());
        assertTrue(gp.get("delivered").asBoolean());
        assertEquals("delivered", rdmsr.get("outcome").asText());
        assertNotEquals(rdmsrAt, rdmsr.get("next").asText(), "rip went to the handler");
        assertEquals(0, rdmsr.get("cpl").asInt());
        JsonNode pageFault = traps(events, e -> e.get("family").asText().equals("exception")
                && e.get("exception").get("vector").asInt() == 14).get(0).get("exception");
        assertEquals("0x7f000000", pageFault.get("cr2").asText());
    }

    @Test
    void aTraceLimitEndsTheTraceWithATruncatedEventAndStatsSaysSo() throws Exception {
        List<JsonNode> events = traced("msr.elf", "--trace-limit", "4K");

        JsonNode end = events.get(events.size() - 1);
        assertEquals("truncated", events.get(events.size() - 2).get("event").asText());
        assertEquals(4096, events.get(events.size() - 2).get("limit").asLong());
        assertTrue(end.get("dropped").asLong() > 1000, end.toString());
        assertTrue(Files.size(dir.resolve("trace.jsonl")) < 4096 + 1024, "the end event is short");

        JsonNode stats = JSON.readTree(InProcess.call("stats", dir.resolve("trace.jsonl").toString(), "--format",
                "json").stdout());
        assertTrue(stats.get("truncated").asBoolean());
        assertEquals(end.get("dropped").asLong(), stats.get("dropped").asLong());
        assertTrue(stats.get("notes").get(0).asText().startsWith("--trace-limit cut the trace short"),
                stats.get("notes").toString());
    }

    @Test
    void singleStepLogsEveryInstructionUntilTheLimitAndStatsCountsTheSteps() throws Exception {
        List<JsonNode> events = traced("count-loop.elf", "--single-step", "--trace-limit", "8K");

        assertEquals("truncated", events.get(events.size() - 2).get("event").asText());
        long steps = events.stream().filter(e -> e.get("event").asText().equals("step")).count();
        assertTrue(steps > 50, steps + " steps logged in 8K");
        JsonNode stats = JSON.readTree(InProcess.call("stats", dir.resolve("trace.jsonl").toString(), "--format",
                "json").stdout());
        assertEquals(steps, stats.get("steps").asLong());
        assertTrue(stats.get("dropped").asLong() > 0, stats.toString());
    }
}
