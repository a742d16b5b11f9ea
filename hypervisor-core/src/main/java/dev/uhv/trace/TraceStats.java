package dev.uhv.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * `uhv stats`: sums up a --trace file read line by line (never whole: a single-stepped run's trace
 * runs to gigabytes): traps by family and by instruction, the addresses that trapped most, and the
 * MSR, CR and DR writes in order. What it keeps grows with the guest's code (one entry per address
 * and instruction text that trapped), not with the trace.
 *
 * <p>A trace without its "end" event (the run was killed) still gives stats, with a note; so does
 * one whose last line was cut off mid-write. A line that is not JSON anywhere else, or a file whose
 * first line is no uhv event, is refused.
 */
public final class TraceStats {
    /** The MSR, CR and DR writes a summary lists; the rest are counted. */
    public static final int MAX_WRITES = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int top;
    private long traps, steps, events;
    private double seconds;
    private String endReason;
    private long endTraps = -1, dropped;
    private boolean truncated;
    private final Map<String, long[]> families = new HashMap<>();
    private final Map<String, long[]> instructions = new HashMap<>();
    private final Map<String, Hot> addresses = new HashMap<>();
    private final List<TraceSummary.RegisterWrite> writes = new ArrayList<>();
    private long totalWrites;

    /** An address's traps and the instruction seen there first. */
    private static final class Hot {
        final String instruction;
        long count;

        Hot(String instruction) {
            this.instruction = instruction;
        }
    }

    private TraceStats(int top) {
        this.top = top;
    }

    /**
     * Reads the trace from in (name: how messages call it) and sums it up, listing the top entries
     * of the instruction and address tables (top at least 1).
     */
    public static TraceSummary read(Reader in, String name, int top) throws IOException, TraceFormatException {
        if (top < 1) {
            throw new IllegalArgumentException("top " + top + " is below 1");
        }
        TraceStats stats = new TraceStats(top);
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        long number = 0;
        TraceFormatException pending = null;
        String line;
        while ((line = lines.readLine()) != null) {
            number++;
            if (pending != null) {
                throw pending;
            }
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                // Only the last line may be cut off (a run killed mid-write): wait for the next.
                pending = new TraceFormatException(String.format("%s:%d: not JSON (%s)", name, number,
                        e.getOriginalMessage()));
                continue;
            }
            stats.accept(event, name, number);
        }
        List<String> notes = new ArrayList<>();
        if (pending != null) {
            if (stats.events == 0 || stats.endReason != null) {
                throw pending;
            }
            notes.add(String.format("line %d is cut off: the run ended while the trace was being written", number));
        }
        if (stats.events == 0) {
            throw new TraceFormatException(name + ": empty, not a uhv trace (written by `uhv run --trace`)");
        }
        return stats.summary(notes);
    }

    private void accept(JsonNode event, String name, long line) throws TraceFormatException {
        JsonNode type = event.get("event");
        if (!event.isObject() || type == null || !type.isTextual() || !event.path("seq").canConvertToLong()) {
            throw new TraceFormatException(events == 0
                    ? name + ": not a uhv trace (its first line has no \"seq\" and \"event\"; write one with "
                            + "`uhv run --trace`)"
                    : String.format("%s:%d: not a uhv trace event (no \"seq\" and \"event\")", name, line));
        }
        events++;
        seconds = Math.max(seconds, event.path("t").asDouble());
        switch (type.asText()) {
            case "trap" -> trap(event);
            case "step" -> steps++;
            case "truncated" -> truncated = true;
            case "end" -> {
                endReason = event.path("reason").asText("?");
                endTraps = event.path("traps").asLong(-1);
                dropped = event.path("dropped").asLong();
            }
            default -> {
                // scan, drop, and events of later versions: not counted here
            }
        }
    }

    private void trap(JsonNode e) {
        traps++;
        String family = e.path("family").asText("?");
        families.computeIfAbsent(family, k -> new long[1])[0]++;
        String instruction = e.has("instruction") ? e.get("instruction").asText()
                : e.path("exception").path("name").asText("?");
        instructions.computeIfAbsent(instruction, k -> new long[1])[0]++;
        String rip = e.path("rip").asText("?");
        addresses.computeIfAbsent(rip, k -> new Hot(instruction)).count++;
        long seq = e.path("seq").asLong();
        JsonNode msr = e.get("msr");
        if (msr != null && msr.path("direction").asText().equals("write")) {
            String register = msr.has("name") ? msr.get("name").asText() : "MSR " + msr.path("index").asText();
            write(new TraceSummary.RegisterWrite(seq, rip, msr.path("ignored").asBoolean() ? register + " (ignored)"
                    : register, msr.path("value").asText(), null));
        }
        JsonNode register = e.get("register");
        if (register != null && register.path("direction").asText().equals("write")) {
            write(new TraceSummary.RegisterWrite(seq, rip, register.path("name").asText(),
                    register.path("new").asText(), register.path("old").asText()));
        }
    }

    private void write(TraceSummary.RegisterWrite w) {
        totalWrites++;
        if (writes.size() < MAX_WRITES) {
            writes.add(w);
        }
    }

    private TraceSummary summary(List<String> notes) {
        if (endReason == null) {
            notes.add("the trace has no \"end\" event: the run was cut short (killed?), and the counts stop "
                    + "where the trace does");
        }
        if (truncated) {
            notes.add(String.format("--trace-limit cut the trace short: %d later events were dropped, so the "
                    + "counts cover its start only%s", dropped, endTraps >= 0 ? " (the run made " + endTraps
                    + " traps)" : ""));
        }
        if (totalWrites > writes.size()) {
            notes.add(String.format("%d MSR, CR and DR writes; the first %d are listed", totalWrites, writes.size()));
        }
        List<TraceSummary.HotAddress> hottest = addresses.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Hot> a) -> -a.getValue().count)
                        .thenComparing(Map.Entry::getKey))
                .limit(top)
                .map(a -> new TraceSummary.HotAddress(a.getKey(), a.getValue().instruction, a.getValue().count))
                .toList();
        return new TraceSummary(traps, steps, seconds, endReason, endTraps, truncated, dropped, notes,
                counts(families, Integer.MAX_VALUE), counts(instructions, top), instructions.size(), hottest,
                addresses.size(), writes, totalWrites);
    }

    /** The largest counts first (by name when equal), at most limit of them. */
    private List<TraceSummary.Count> counts(Map<String, long[]> counts, int limit) {
        return counts.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> c) -> -c.getValue()[0])
                        .thenComparing(Map.Entry::getKey))
                .limit(limit)
                .map(c -> new TraceSummary.Count(c.getKey(), c.getValue()[0], (double) c.getValue()[0] / traps))
                .toList();
    }
}
