package dev.uhv.emulate;

/** What the run loop does after an emulated instruction. */
public sealed interface Outcome permits Outcome.Advance, Outcome.Retry, Outcome.Jump, Outcome.Step, Outcome.Stop {

    /** The instruction completed: move rip past it and resume the guest. */
    Outcome ADVANCE = new Advance();

    /**
     * The instruction is to run again from its updated state, rip kept. From an emulator: it made
     * progress but is not done (a long REP string, a bounded step at a time); the trap handler runs
     * the next step at once, unless a stop (timeout, Ctrl-C) was requested, when the run loop stores
     * the registers and sees the request. From the code scanner: run it natively again, now that
     * its page is ready.
     */
    Outcome RETRY = new Retry();

    /**
     * The instruction moved rip itself (a far transfer, syscall, sysret, iret) or an exception was
     * delivered through the guest's IDT: resume at the new rip.
     */
    Outcome JUMP = new Jump();

    /**
     * Run the instruction at rip natively, alone (a single step), then go on: a write into the page
     * the writing instruction itself lies in, which the code scanner made writable and executable
     * for that one instruction.
     */
    Outcome STEP = new Step();

    static Outcome stop(ExitReason reason, String detail) {
        return new Stop(reason, detail);
    }

    /** The instruction completed; the run loop advances rip (the only place that does). */
    record Advance() implements Outcome {
    }

    /** The instruction runs again from its updated state. */
    record Retry() implements Outcome {
    }

    /** rip is set; resume there. */
    record Jump() implements Outcome {
    }

    /** Single-step the instruction at rip natively. */
    record Step() implements Outcome {
    }

    /**
     * End the run. rip stays at the instruction, as the dump should show it. label is how the summary
     * and the dump name the reason ("unhandled guest exception #UD"); by default the reason's text.
     */
    record Stop(ExitReason reason, String label, String detail) implements Outcome {
        public Stop(ExitReason reason, String detail) {
            this(reason, reason.text(), detail);
        }
    }
}
