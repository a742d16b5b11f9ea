package dev.uhv.emulate;

/** What the run loop does after an emulated instruction. */
public sealed interface Outcome permits Outcome.Advance, Outcome.Retry, Outcome.Stop {

    /** The instruction completed: move rip past it and resume the guest. */
    Outcome ADVANCE = new Advance();

    /**
     * The instruction made progress but is not done (a long REP string): keep rip, resume, and it
     * traps again. Bounds the work of one trap, so timeouts and Ctrl-C are seen in between.
     */
    Outcome RETRY = new Retry();

    static Outcome stop(ExitReason reason, String detail) {
        return new Stop(reason, detail);
    }

    /** The instruction completed; the run loop advances rip (the only place that does). */
    record Advance() implements Outcome {
    }

    /** The instruction runs again from its updated state. */
    record Retry() implements Outcome {
    }

    /** End the run. rip stays at the instruction, as the dump should show it. */
    record Stop(ExitReason reason, String detail) implements Outcome {
    }
}
