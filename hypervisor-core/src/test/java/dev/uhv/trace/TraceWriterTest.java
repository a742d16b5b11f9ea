package dev.uhv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Outcome;
import dev.uhv.io.MmioBus;
import dev.uhv.io.PortBus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace's own rules: seq and event in every line, the size limit, "end" last, a sink that fails. */
class TraceWriterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TrapRecord record = new TrapRecord(new PortBus(), new MmioBus());

    private List<String> lines() {
        return bytes.toString(StandardCharsets.US_ASCII).lines().toList();
    }

    private static List<JsonNode> parse(List<String> lines) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(json.readTree(line));
        }
        return events;
    }

    @Test
    void aStepEventCarriesRipAndInstruction() throws IOException {
        try (TraceWriter w = new TraceWriter(bytes)) {
            w.step(0x100000, "xor eax, eax");
        }

        JsonNode e = parse(lines()).get(0);
        assertEquals("step", e.get("event").asText());
        assertEquals(1, e.get("seq").asLong());
        assertTrue(e.get("t").isDouble());
        assertEquals("0x100000", e.get("rip").asText());
        assertEquals("xor eax, eax", e.get("instruction").asText());
    }

    @Test
    void pastTheLimitOneTruncatedEventThenOnlyTheEndWhichCountsTheDropped() throws IOException {
        long limit = TraceWriter.MIN_LIMIT;
        int steps = 100;
        try (TraceWriter w = new TraceWriter(bytes, limit)) {
            for (int i = 0; i < steps; i++) {
                w.step(0x100000 + i, "nop");
            }
            record.begin(0x2000);
            record.emulatedBy(InstructionFamily.SYSTEM, false);
            record.finish(Outcome.ADVANCE, 0x2001, 0);
            w.trap(record);
            w.end("halted", 1, List.of());
        }

        List<String> lines = lines();
        List<JsonNode> events = parse(lines);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).get("seq").asLong(), "seq has no gaps");
        }
        JsonNode end = events.get(events.size() - 1);
        JsonNode truncated = events.get(events.size() - 2);
        assertEquals("end", end.get("event").asText());
        assertEquals("truncated", truncated.get("event").asText());
        assertEquals(limit, truncated.get("limit").asLong());
        long written = events.size() - 2;
        assertTrue(written > 5 && written < steps, written + " steps fit in 1K");
        assertEquals(steps + 1 - written, end.get("dropped").asLong(), "every step and the trap past the limit");
        long before = 0;
        for (String line : lines.subList(0, lines.size() - 1)) {
            before += line.length() + 1;
        }
        assertTrue(before <= limit, before + " bytes before the end event");
        assertEquals(before - lines.get(lines.size() - 2).length() - 1, truncated.get("bytes").asLong());
    }

    @Test
    void withinTheLimitNothingIsDropped() throws IOException {
        try (TraceWriter w = new TraceWriter(bytes)) {
            w.step(0x1000, "nop");
            w.dropped(0x1000, true);
            w.end("halted", 0, List.of());
        }

        List<JsonNode> events = parse(lines());
        assertEquals(List.of("step", "drop", "end"), events.stream().map(e -> e.get("event").asText()).toList());
        assertEquals(0, events.get(2).get("dropped").asLong());
        assertEquals("halted", events.get(2).get("reason").asText());
    }

    @Test
    void nothingIsWrittenAfterClose() {
        TraceWriter w = new TraceWriter(bytes);
        w.step(0x1000, "nop");
        w.close();
        w.step(0x1001, "nop");
        w.end("halted", 0, List.of());
        w.close();

        assertEquals(1, lines().size());
    }

    @Test
    void nonAsciiTextIsEscapedSoTheLimitCountsBytes() throws IOException {
        try (TraceWriter w = new TraceWriter(bytes)) {
            w.end("stopped \u00e9", 0, List.of());
        }

        String line = lines().get(0);
        assertTrue(line.contains("\\u00E9") || line.contains("\\u00e9"), line);
        assertEquals("stopped \u00e9", parse(lines()).get(0).get("reason").asText());
    }

    @Test
    void aLimitBelowTheLeastIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TraceWriter(bytes, TraceWriter.MIN_LIMIT - 1));
    }

    @Test
    void aSinkThatFailsStopsTheTraceWithoutFailingTheRun() {
        int[] attempts = {0};
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                attempts[0]++;
                throw new IOException("No space left on device");
            }
        };
        TraceWriter w = new TraceWriter(full);
        // Lines longer than the writer's 64 KiB buffer reach the sink at once.
        String longText = "x".repeat(70_000);
        w.step(0x1000, longText);
        int failed = attempts[0];
        w.step(0x1001, longText);
        w.end("halted", 0, List.of());
        w.close();

        assertTrue(failed >= 1, "the first line reached the sink");
        assertEquals(failed, attempts[0], "nothing reaches the sink after it failed");
    }
}
