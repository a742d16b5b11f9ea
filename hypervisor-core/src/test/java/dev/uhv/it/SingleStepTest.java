package dev.uhv.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uhv.it.InProcess.GuestRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --single-step: the guest runs one instruction at a time, every instruction counted (natively
 * stepped or emulated) and, with --trace, logged in order; the guest's result is the same as at
 * full speed, its own TF and exceptions included.
 */
class SingleStepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** count-loop.s: mov, LOOPS x (dec, jnz), mov, out. */
    private static final long COUNT_LOOP_INSTRUCTIONS = 1 + 2 * 1000 + 2;

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    @Test
    void countsEveryInstructionOfAKnownProgram() throws IOException {
        Path trace = dir.resolve("trace.jsonl");
        GuestRun run = InProcess.run(dir, "count-loop.elf", "--single-step", "--trace", trace.toString());
        assertEquals(1, run.status(), run.call().stderr());
        assertEquals(COUNT_LOOP_INSTRUCTIONS, run.dump().instructions(), "instructions in the dump");
        assertTrue(run.summary().contains(", " + COUNT_LOOP_INSTRUCTIONS + " instructions, "), run.summary());

        List<JsonNode> events = events(trace);
        List<JsonNode> executed = events.stream()
                .filter(e -> e.get("event").asText().equals("step") || e.get("event").asText().equals("trap"))
                .toList();
        assertEquals(COUNT_LOOP_INSTRUCTIONS, executed.size(), "a step or trap event for each instruction");
        assertEquals("mov ecx, 0x3E8", executed.get(0).get("instruction").asText());
        assertEquals("dec ecx", executed.get(1).get("instruction").asText());
        assertEquals("jnz 0x" + Long.toHexString(Long.decode(executed.get(1).get("rip").asText())).toUpperCase(),
                executed.get(2).get("instruction").asText(), "the loop jumps back to dec");
        JsonNode last = executed.get(executed.size() - 1);
        assertEquals("trap", last.get("event").asText(), "the out that ends the run is emulated");
        assertTrue(last.get("instruction").asText().startsWith("out 0xF4"), last.toString());
    }

    @Test
    void withoutSingleStepNothingIsCounted() {
        GuestRun run = InProcess.run(dir, "count-loop.elf");
        assertEquals(1, run.status());
        assertNull(run.dump().instructions(), "no instruction count at full speed");
        assertTrue(!run.summary().contains("instructions"), run.summary());
    }

    /**
     * Guests that take exceptions, change rings and single-step themselves with TF end as they do at
     * full speed: uhv's own steps never show the guest a TF it did not set (the kernel leaves the
     * step's TF visible after a stepped popf or iret; a native pushf stores it), and a TF the guest
     * sets itself with a native popf (--sensitive fault: no scanner) stays.
     */
    @ParameterizedTest
    @CsvSource({"tf-step.elf, auto", "exceptions.elf, auto", "rings.elf, auto", "tf-step.elf, fault",
        "rings.elf, fault"})
    void guestsEndAsAtFullSpeed(String guest, String sensitive) {
        GuestRun fast = InProcess.run(dir, guest, "--sensitive", sensitive);
        GuestRun stepped = InProcess.run(dir, guest, "--sensitive", sensitive, "--single-step", "--timeout", "60");
        assertEquals(1, fast.status(), "the guest's own checks pass at full speed: " + fast.serial());
        assertEquals(fast.status(), stepped.status(), stepped.call().stderr());
        assertEquals(fast.serial(), stepped.serial(), "serial output");
        assertEquals(fast.dump().traps(), stepped.dump().traps(), "the same traps");
        assertTrue(stepped.dump().instructions() > stepped.dump().traps(), "instructions counted");
    }

    private static List<JsonNode> events(Path trace) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }
}
