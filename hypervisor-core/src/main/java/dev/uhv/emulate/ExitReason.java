package dev.uhv.emulate;

/**
 * Why a run ended, and the exit status uhv returns for it. Statuses of uhv's own reasons are even, so
 * they never collide with an isa-debug-exit status, which is always odd ((v << 1) | 1). A guest that
 * ends itself cleanly (hlt, its exit call, a power-off or reset request) exits 0.
 */
public enum ExitReason {
    /** The guest wrote to isa-debug-exit; the status is the device's. */
    DEBUG_EXIT("debug exit", -1),
    /** hlt: nothing can wake the virtual CPU. */
    HALTED("halted", 0),
    /** The guest ended itself through a system call of its personality (vkern: number 0). */
    GUEST_EXIT("guest exit", 0),
    /** The guest asked the platform to power off (the Bochs shutdown port 0x8900). */
    SHUTDOWN("shutdown", 0),
    /**
     * The guest asked the platform to reset (i8042 reset line, the reset control register 0xcf9).
     * uhv does not reboot: the run ends with 0, as QEMU's does with -no-reboot.
     */
    RESET("reset", 0),
    /** The guest process died in a way no guest instruction explains. */
    GUEST_CRASH("guest crash", 4),
    /** An exception with no IDT loaded to take it. */
    UNHANDLED_EXCEPTION("unhandled guest exception", 4),
    /** A fault while delivering a double fault (SDM Vol. 3A, 6.15, interrupt 8): a real CPU shuts down. */
    TRIPLE_FAULT("triple fault", 4),
    /** A faulting instruction uhv does not emulate, or bytes that are no instruction. */
    UNHANDLED_INSTRUCTION("unhandled instruction", 6),
    /**
     * The guest turned paging on (or changed its tables) with a mapping that is not the identity:
     * uhv runs guest code on guest-physical addresses, so it cannot follow it yet.
     */
    UNSUPPORTED_MAPPING("unsupported mapping", 6),
    TIMEOUT("timeout", 8),
    MAX_TRAPS("trap limit reached", 10),
    /** The guest tried to make a host system call; it never reached the host. */
    GUEST_SYSCALL("guest system call blocked", 12),
    /** Ctrl-C (SIGINT), as a shell reports it. */
    INTERRUPTED("interrupted", 130),
    /** SIGTERM, or another request to end uhv (its status is then the JVM's), as a shell reports SIGTERM. */
    TERMINATED("terminated", 143),
    /** uhv itself failed (a bug or a host error), not the guest. */
    HOST_ERROR("host error", 70);

    private final String text;
    private final int status;

    ExitReason(String text, int status) {
        this.text = text;
        this.status = status;
    }

    /** How the summary line and the dump name it. */
    public String text() {
        return text;
    }

    /** The process exit status for this reason (DEBUG_EXIT: the device's status instead). */
    public int status() {
        return status;
    }
}
