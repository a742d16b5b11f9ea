package dev.uhv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `uhv stats` over handwritten traces: the counts, the hottest addresses, the writes in order, bad input. */
class TraceStatsTest {
    /** Three traps at one out, one wrmsr, two CR writes (one of them a read first), a scan, the end. */
    private static final String TRACE = String.join("\n",
            "{\"seq\":1,\"t\":0.001,\"event\":\"scan\",\"page\":\"0x100000\",\"rescan\":false,\"instructions\":9,"
                    + "\"patches\":[]}",
            trap(2, "0x100010", "out dx, al", "port_io", ""),
            trap(3, "0x100020", "wrmsr", "msr", ",\"msr\":{\"index\":\"0xc0000082\",\"name\":\"LSTAR\","
                    + "\"direction\":\"write\",\"value\":\"0xffffffff81000000\"}"),
            trap(4, "0x100010", "out dx, al", "port_io", ""),
            trap(5, "0x100030", "mov rax, cr0", "control_register", ",\"register\":{\"name\":\"cr0\","
                    + "\"direction\":\"read\",\"value\":\"0x80010033\"}"),
            trap(6, "0x100034", "mov cr0, rax", "control_register", ",\"register\":{\"name\":\"cr0\","
                    + "\"direction\":\"write\",\"old\":\"0x80010033\",\"new\":\"0x80050033\"}"),
            trap(7, "0x100010", "out dx, al", "port_io", ""),
            trap(8, "0x100040", "wrmsr", "msr", ",\"msr\":{\"index\":\"0x123\",\"direction\":\"write\","
                    + "\"value\":\"0x5\",\"ignored\":true}"),
            "{\"seq\":9,\"t\":0.25,\"event\":\"end\",\"reason\":\"guest exited with status 1\",\"traps\":7,"
                    + "\"dropped\":0,\"patches\":[]}") + "\n";

    private static String trap(long seq, String rip, String instruction, String family, String more) {
        return String.format("{\"seq\":%d,\"t\":0.%03d,\"event\":\"trap\",\"rip\":\"%s\",\"instruction\":\"%s\","
                + "\"family\":\"%s\"%s,\"outcome\":\"advanced\"}", seq, seq, rip, instruction, family, more);
    }

    private static TraceSummary stats(String text, int top) throws IOException, TraceFormatException {
        return TraceStats.read(new StringReader(text), "t.jsonl", top);
    }

    private static String refused(String text) {
        return assertThrows(TraceFormatException.class, () -> stats(text, 10)).getMessage();
    }

    @Test
    void trapsByFamilyAndByInstructionMostFirst() throws Exception {
        TraceSummary s = stats(TRACE, 10);

        assertEquals(7, s.traps());
        assertEquals(List.of(new TraceSummary.Count("port_io", 3, 3 / 7.0),
                new TraceSummary.Count("control_register", 2, 2 / 7.0), new TraceSummary.Count("msr", 2, 2 / 7.0)),
                s.families());
        assertEquals("out dx, al", s.instructions().get(0).name());
        assertEquals(3, s.instructions().get(0).count());
        assertEquals("wrmsr", s.instructions().get(1).name());
        assertEquals(4, s.distinctInstructions());
    }

    @Test
    void theHeaderFieldsComeFromTheEndEvent() throws Exception {
        TraceSummary s = stats(TRACE, 10);

        assertTrue(s.complete());
        assertEquals("guest exited with status 1", s.endReason());
        assertEquals(7, s.endTraps());
        assertEquals(0.25, s.seconds());
        assertFalse(s.truncated());
        assertEquals(List.of(), s.notes());
    }

    @Test
    void theHottestAddressesWithTheirInstructionUpToTop() throws Exception {
        TraceSummary s = stats(TRACE, 2);

        assertEquals(List.of(new TraceSummary.HotAddress("0x100010", "out dx, al", 3),
                new TraceSummary.HotAddress("0x100020", "wrmsr", 1)), s.hottest());
        assertEquals(5, s.distinctAddresses());
        assertEquals(2, s.instructions().size(), "--top limits the instructions too");
    }

    @Test
    void msrAndCrWritesInOrderButNotReads() throws Exception {
        TraceSummary s = stats(TRACE, 10);

        assertEquals(List.of(
                new TraceSummary.RegisterWrite(3, "0x100020", "LSTAR", "0xffffffff81000000", null),
                new TraceSummary.RegisterWrite(6, "0x100034", "cr0", "0x80050033", "0x80010033"),
                new TraceSummary.RegisterWrite(8, "0x100040", "MSR 0x123 (ignored)", "0x5", null)), s.writes());
        assertEquals(3, s.totalWrites());
    }

    @Test
    void theTableShowsEachSection() throws Exception {
        String table = StatsTable.format(stats(TRACE, 10), "t.jsonl");

        List<String> lines = table.lines().toList();
        assertEquals("t.jsonl: 7 traps, 0.250 s of guest time, ended: guest exited with status 1", lines.get(0));
        assertTrue(lines.contains("  port_io               3  42.9%"), table);
        assertTrue(lines.contains("  0x100010      3  out dx, al"), table);
        assertTrue(lines.contains("    3  0x100020  LSTAR                0xffffffff81000000"), table);
        assertTrue(lines.contains("    6  0x100034  cr0                  0x80050033          0x80010033"), table);
        assertTrue(lines.indexOf("Traps by family") < lines.indexOf("Traps by instruction (4)"), table);
        assertTrue(lines.contains("Hottest addresses (5)"), table);
        assertTrue(lines.contains("MSR, CR and DR writes in order (3)"), table);
    }

    @Test
    void theJsonFormIsOneDocumentWithTheSameNumbers() throws Exception {
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(stats(TRACE, 10)));

        assertEquals(7, json.get("traps").asLong());
        assertTrue(json.get("complete").asBoolean());
        assertEquals("guest exited with status 1", json.get("endReason").asText());
        assertEquals("port_io", json.get("families").get(0).get("name").asText());
        assertEquals(3, json.get("families").get(0).get("count").asLong());
        assertEquals("0x100010", json.get("hottest").get(0).get("rip").asText());
        assertEquals("out dx, al", json.get("hottest").get(0).get("instruction").asText());
        assertEquals("LSTAR", json.get("writes").get(0).get("register").asText());
        assertEquals(6, json.get("writes").get(1).get("seq").asLong());
    }

    @Test
    void aTraceWithoutItsEndStillGivesStatsWithANote() throws Exception {
        String cut = TRACE.substring(0, TRACE.indexOf("{\"seq\":9"));

        TraceSummary s = stats(cut, 10);

        assertFalse(s.complete());
        assertNull(s.endReason());
        assertEquals(7, s.traps());
        assertTrue(s.notes().get(0).contains("no \"end\" event"), s.notes().toString());
        assertTrue(StatsTable.format(s, "t.jsonl").lines().findFirst().orElseThrow().endsWith("no end (cut short)"));
    }

    @Test
    void aLastLineCutOffMidWriteIsANoteNotAnError() throws Exception {
        String cut = TRACE.substring(0, TRACE.indexOf("{\"seq\":9") + 20);

        TraceSummary s = stats(cut, 10);

        assertEquals(7, s.traps());
        assertTrue(s.notes().get(0).startsWith("line 9 is cut off"), s.notes().toString());
    }

    @Test
    void aTruncatedTraceSaysHowManyEventsWereDropped() throws Exception {
        String truncated = String.join("\n",
                trap(1, "0x1000", "hlt", "system", ""),
                "{\"seq\":2,\"t\":0.1,\"event\":\"truncated\",\"limit\":1024,\"bytes\":900}",
                "{\"seq\":3,\"t\":0.2,\"event\":\"end\",\"reason\":\"halted\",\"traps\":500,\"dropped\":499,"
                        + "\"patches\":[]}");

        TraceSummary s = stats(truncated, 10);

        assertTrue(s.truncated());
        assertEquals(499, s.dropped());
        assertTrue(s.notes().get(0).contains("499 later events were dropped"), s.notes().toString());
        assertTrue(s.notes().get(0).contains("the run made 500 traps"), s.notes().toString());
    }

    @Test
    void stepEventsAreCountedApart() throws Exception {
        String steps = String.join("\n",
                "{\"seq\":1,\"t\":0.0,\"event\":\"step\",\"rip\":\"0x1000\",\"instruction\":\"nop\"}",
                "{\"seq\":2,\"t\":0.0,\"event\":\"step\",\"rip\":\"0x1001\",\"instruction\":\"nop\"}",
                trap(3, "0x1002", "hlt", "system", ""));

        TraceSummary s = stats(steps, 10);

        assertEquals(2, s.steps());
        assertEquals(1, s.traps());
    }

    @Test
    void aLineThatIsNotJsonIsRefusedByNumber() {
        String bad = TRACE.replace(trap(4, "0x100010", "out dx, al", "port_io", ""), "this is not json");

        assertTrue(refused(bad).startsWith("t.jsonl:4: not JSON ("), refused(bad));
    }

    @Test
    void aFileThatIsNoTraceIsRefused() {
        assertTrue(refused("{\"hello\":1}\n").startsWith("t.jsonl: not a uhv trace"), refused("{\"hello\":1}\n"));
        assertTrue(refused("hello world\n").startsWith("t.jsonl:1: not JSON"), refused("hello world\n"));
        assertTrue(refused("").startsWith("t.jsonl: empty, not a uhv trace"), refused(""));
        assertTrue(refused(TRACE + "[1, 2]\n").startsWith("t.jsonl:10: not a uhv trace event"),
                refused(TRACE + "[1, 2]\n"));
    }

    @Test
    void junkAfterTheEndIsAnError() {
        assertTrue(refused(TRACE + "{\"seq\":10,\"t\":0.3,").startsWith("t.jsonl:10: not JSON"),
                refused(TRACE + "{\"seq\":10,\"t\":0.3,"));
    }
}
