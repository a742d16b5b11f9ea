package dev.uhv.exec;

/** How the child came back to the tracer. */
public enum StopKind {
    /** Stopped by a signal: a fault of a guest instruction, or uhv's own poke. */
    SIGNAL,
    /** Stopped at the entry of a system call (PTRACE_SYSEMU: it will never run). */
    SYSCALL,
    /** The process exited. */
    EXITED,
    /** The process was killed by a signal (the seccomp wall kills with SIGSYS). */
    KILLED
}
