package dev.uhv.linux;

import com.sun.jna.LastErrorException;

/** waitpid(2) and the decoding of its status word. */
public final class Wait {
    public static final int WNOHANG = 1;
    public static final int WALL = 0x40000000;

    private Wait() {
    }

    /**
     * Waits for a state change of pid, retrying on EINTR. status must have room for one int.
     * Returns the pid, or 0 with WNOHANG when nothing changed.
     */
    public static int waitpid(int pid, int[] status, int options) {
        while (true) {
            try {
                return LibC.waitpid(pid, status, options | WALL);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw ErrnoException.of("waitpid", e);
                }
            }
        }
    }

    public static boolean exited(int status) {
        return (status & 0x7f) == 0;
    }

    public static int exitCode(int status) {
        return (status >> 8) & 0xff;
    }

    public static boolean signaled(int status) {
        return (status & 0x7f) != 0 && (status & 0x7f) != 0x7f;
    }

    public static int termSignal(int status) {
        return status & 0x7f;
    }

    public static boolean stopped(int status) {
        return (status & 0xff) == 0x7f;
    }

    /** The stop signal; SIGTRAP|0x80 for a system-call stop under PTRACE_O_TRACESYSGOOD. */
    public static int stopSignal(int status) {
        return (status >> 8) & 0xff;
    }
}
