package dev.uhv.exec;

/** The guest's child process could not be set up (see native/src/child/child.c for the steps). */
public final class ChildSetupException extends Exception {
    public ChildSetupException(String message) {
        super(message);
    }

    /** Explains an exit of uhv-child before its stop by the step its exit code names. */
    static ChildSetupException fromExitCode(int code) {
        String step = switch (code) {
            case 10 -> "it was started with bad arguments (a uhv bug)";
            case 11 -> "PTRACE_TRACEME failed: ptrace is not allowed here (check kernel.yama.ptrace_scope, "
                    + "or a seccomp policy of the container); run `uhv doctor`";
            case 12 -> "it could not pin itself to the CPU chosen with --cpu";
            case 13 -> "it could not map guest RAM at its guest-physical address (something else is mapped "
                    + "there, or the address is below vm.mmap_min_addr)";
            case 14 -> "it could not unmap the vDSO";
            case 15 -> "it could not install its seccomp filter (seccomp unavailable?)";
            case 17 -> "it could not close its file descriptors (close_range unavailable: Linux 5.9 or later is needed)";
            case 18 -> "it could not set up the fast transport's trap page and signal handlers (try --transport "
                    + "ptrace)";
            default -> "it exited with status " + code + " before it was ready";
        };
        return new ChildSetupException("the guest process failed to start: " + step);
    }
}
