package dev.uhv.it;

import static dev.uhv.it.Checks.assertHex;
import static dev.uhv.it.Checks.assertLines;
import static dev.uhv.it.Checks.hex;
import static dev.uhv.it.Checks.summaryText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uhv.exec.StateDump;
import dev.uhv.it.InProcess.GuestRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long `rep outs`/`rep ins` to a device is one trap (guests rep-outs and rep-forever): uhv runs its
 * bounded steps one after the other without resuming the child, and a timeout still ends a string
 * that would run for hours, between two of its steps.
 */
class RepStringTest {
    private static final int LENGTH = 64 << 10;
    private static final long BUFFER = 0x200000;
    private static final long HUGE = 1L << 40;

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    private static List<JsonNode> traps(Path trace) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> traps = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode e = json.readTree(line);
            if (e.get("event").asText().equals("trap")) {
                traps.add(e);
            }
        }
        return traps;
    }

    @Test
    void repOutsbOf64KiBToDebugconIsOneTrapAndEveryByteArrivesInOrder() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        GuestRun run = InProcess.run(dir, "rep-outs.elf", "--trace", trace.toString());

        assertLines(run.serial(), "rep-outs: 64 KiB to debugcon in one rep outsb", "rep-outs done");
        assertEquals(1, run.status(), "exit status");
        byte[] expected = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            expected[i] = (byte) (0x40 | ((i + (i >> 8)) & 0x3f));
        }
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("rep-outs-elf.debugcon")));
        String at = "0x" + Long.toHexString(Guests.symbol("rep-outs.elf", "big_outsb"));
        List<JsonNode> traps = traps(trace);
        List<JsonNode> outsb = traps.stream().filter(t -> t.get("rip").asText().equals(at)).toList();
        assertEquals(1, outsb.size(), "traps at the rep outsb (" + at + ")");
        JsonNode io = outsb.get(0).get("io");
        assertEquals(LENGTH, io.get("count").asLong(), "the trap event counts every byte");
        List<String> first = new ArrayList<>();
        for (int i = 0; i < io.get("values").size(); i++) {
            first.add(io.get("values").get(i).asText());
            assertEquals("0x" + Integer.toHexString(expected[i] & 0xff), first.get(i), "byte " + i);
        }
        assertEquals(8, first.size(), "and keeps the first 8: " + first);
        long portIo = traps.stream().filter(t -> t.get("family").asText().equals("port_io")).count();
        assertEquals(portIo, run.dump().trapsByFamily().get("port_io"), "the dump counts the traps the trace shows");
        assertEquals(traps.size(), run.dump().traps());
    }

    @Test
    void aTimeoutEndsAnEndlessRepInsbPartWay() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        GuestRun run = InProcess.run(dir, "rep-forever.elf", "--mem", "1G", "--timeout", "1", "--trace",
                trace.toString());

        assertLines(run.serial(), "rep-forever: rep insb of 2^40 bytes");
        StateDump d = run.dump();
        assertEquals("timeout", d.exitReason());
        assertTrue(summaryText(run.summary(), d).startsWith("timeout"), run.summary());
        assertTrue(run.call().seconds() < 6, "the timeout took " + run.call().seconds() + " s to end the run");
        assertHex(Guests.symbol("rep-forever.elf", "forever_insb"), d.registers().get("rip"), "rip at the rep insb");
        long left = hex(d.registers().get("rcx"));
        long done = HUGE - left;
        assertTrue(done > 0 && left > 0, "part way: " + done + " bytes done");
        assertHex(BUFFER + done, d.registers().get("rdi"), "rdi where the string stopped");
        List<String> lines = Files.readAllLines(trace);
        JsonNode end = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals("end", end.get("event").asText(), "the trace is flushed and ended on a timeout");
        assertEquals("timeout", end.get("reason").asText());
        JsonNode insb = traps(trace).get(traps(trace).size() - 1);
        assertEquals("interrupted", insb.get("outcome").asText(), "the rep insb stopped part way");
        assertTrue(insb.get("io").get("count").asLong() > 8, insb.toString());
    }
}
