package dev.uhv.exec;

import dev.uhv.emulate.ExitReason;
import dev.uhv.emulate.InstructionFamily;

import java.util.Map;

/**
 * How a run ended.
 *
 * @param reason      why it ended
 * @param label       how the summary and the dump name the reason ("unhandled guest exception #UD")
 * @param detail      one line for a person: what happened, where
 * @param exitStatus  the status uhv exits with
 * @param traps       privileged-instruction traps handled
 * @param trapsByFamily traps per instruction family
 * @param seconds     wall-clock run time of the guest
 */
public record RunResult(ExitReason reason, String label, String detail, int exitStatus, long traps,
                        Map<InstructionFamily, Long> trapsByFamily, double seconds) {

    /** The summary line printed on stderr at exit. */
    public String summary() {
        String what = reason == ExitReason.DEBUG_EXIT ? "guest exited with status " + exitStatus
                : label + (detail == null || detail.isEmpty() ? "" : ": " + detail);
        return String.format("uhv: %s (%d traps, %.3f s)", what, traps, seconds);
    }
}
