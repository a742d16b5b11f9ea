package dev.uhv.trace;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What `uhv stats` found in a trace.
 *
 * @param traps         the trap events in the file
 * @param steps         the step events (instructions run one at a time)
 * @param seconds       guest time of the last event
 * @param endReason     how the run ended (the "end" event's reason), or null when the trace has no end
 * @param endTraps      the traps the run counted (the "end" event's), or -1 without an end
 * @param truncated     whether --trace-limit cut the trace short
 * @param dropped       the events the limit dropped (the "end" event's count)
 * @param notes         what a reader should know before trusting the counts (a trace cut short...)
 * @param families      traps by family, most first; share of all traps
 * @param instructions  traps by instruction text, most first (the top N)
 * @param distinctInstructions how many different instruction texts trapped
 * @param hottest       the addresses that trapped most, with their instruction (the top N)
 * @param distinctAddresses how many different addresses trapped
 * @param writes        MSR, CR and DR writes in order (the first {@link TraceStats#MAX_WRITES})
 * @param totalWrites   how many such writes the trace holds
 */
public record TraceSummary(long traps, long steps, double seconds, String endReason, long endTraps,
                           boolean truncated, long dropped, List<String> notes, List<Count> families,
                           List<Count> instructions, long distinctInstructions, List<HotAddress> hottest,
                           long distinctAddresses, List<RegisterWrite> writes, long totalWrites) {
    public TraceSummary {
        notes = List.copyOf(notes);
        families = List.copyOf(families);
        instructions = List.copyOf(instructions);
        hottest = List.copyOf(hottest);
        writes = List.copyOf(writes);
    }

    /** Whether the trace ends with its "end" event. */
    @JsonProperty("complete")
    public boolean complete() {
        return endReason != null;
    }

    /** A name (a family, an instruction) and its traps; share is of all traps, 0 to 1. */
    public record Count(String name, long count, double share) {
    }

    /** An address that trapped count times, running instruction. */
    public record HotAddress(String rip, String instruction, long count) {
    }

    /**
     * A write of an MSR ("LSTAR", or its index where uhv has no name for it) or a control or debug
     * register ("cr3"), at the trap seq; old is null for an MSR (the trace does not say).
     */
    public record RegisterWrite(long seq, String rip, String register, String value, String old) {
    }
}
