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
 * @param instructions instructions completed under --single-step, or {@link #NOT_COUNTED}
 */
public record RunResult(ExitReason reason, String label, String detail, int exitStatus, long traps,
                        Map<InstructionFamily, Long> trapsByFamily, double seconds, long instructions) {
    /** instructions without --single-step, which runs the guest natively and cannot count them. */
    public static final long NOT_COUNTED = -1;

    /** The run so far, for a dump taken while the guest runs (reason null: it has not ended). */
    public static RunResult running(long traps, Map<InstructionFamily, Long> trapsByFamily, double seconds,
                                    long instructions) {
        return new RunResult(null, "running", "a dump taken while the guest runs (SIGUSR1)", 0, traps,
                trapsByFamily, seconds, instructions);
    }

    /** The summary line printed on stderr at exit. */
    public String summary() {
        String what = reason == ExitReason.DEBUG_EXIT ? "guest exited with status " + exitStatus
                : label + (detail == null || detail.isEmpty() ? "" : ": " + detail);
        String counted = instructions == NOT_COUNTED ? "" : ", " + instructions + " instructions";
        return String.format("uhv: %s (%d traps%s, %.3f s)", what, traps, counted, seconds);
    }
}
