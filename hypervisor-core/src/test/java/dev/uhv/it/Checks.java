package dev.uhv.it;

import dev.uhv.exec.StateDump;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Assertions the end-to-end tests share. */
public final class Checks {
    /** "uhv: WHAT (N traps, T s)", as RunResult.summary() writes it. */
    private static final Pattern SUMMARY = Pattern.compile("uhv: (.+) \\((\\d+) traps, (\\d+\\.\\d{3}) s\\)");

    private Checks() {
    }

    /** The value of a dump field ("0x..."), as a number. */
    public static long hex(String value) {
        assertNotNull(value, "missing dump value");
        assertTrue(value.startsWith("0x"), () -> "not a 0x value: " + value);
        return Long.parseUnsignedLong(value.substring(2), 16);
    }

    public static void assertHex(long expected, String actual, String what) {
        assertEquals("0x" + Long.toHexString(expected), "0x" + Long.toHexString(hex(actual)), what);
    }

    /** The guest's serial output is exactly these lines, each ended by "\n". */
    public static void assertLines(String actual, String... lines) {
        assertEquals(String.join("\n", lines) + "\n", actual, "guest output");
    }

    /** A 64-bit value the way the guests print it: 0x and 16 lowercase digits. */
    public static String hex16(long v) {
        return String.format("0x%016x", v);
    }

    /**
     * Checks the shape of the summary line and that its trap count is the dump's; returns what it
     * says before the counts ("guest exited with status 1", "timeout: after 1.0 s (--timeout)").
     */
    public static String summaryText(String summary, StateDump dump) {
        assertNotNull(summary, "no summary line on stderr");
        Matcher m = SUMMARY.matcher(summary);
        if (!m.matches()) {
            fail("summary line has the wrong shape: " + summary);
        }
        if (dump != null) {
            assertEquals(dump.traps(), Long.parseLong(m.group(2)), "trap count in the summary vs the dump");
        }
        return m.group(1);
    }

    /** After a run, the test JVM has no child process left (no zombie, no orphan uhv-child). */
    public static void assertNoChildProcess() {
        List<ProcessHandle> children = ProcessHandle.current().children().toList();
        assertTrue(children.isEmpty(), () -> "child processes left behind: " + children.stream()
                .map(p -> p.pid() + " " + p.info().command().orElse("?")).toList());
    }
}
