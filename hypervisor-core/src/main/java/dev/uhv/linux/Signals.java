package dev.uhv.linux;

import com.sun.jna.LastErrorException;

/** Signal numbers (x86-64 Linux) and kill(2). */
public final class Signals {
    public static final int SIGINT = 2;
    public static final int SIGILL = 4;
    public static final int SIGTRAP = 5;
    public static final int SIGBUS = 7;
    public static final int SIGFPE = 8;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGSEGV = 11;
    public static final int SIGSTOP = 19;
    public static final int SIGSYS = 31;

    private Signals() {
    }

    public static void kill(int pid, int signal) {
        try {
            LibC.kill(pid, signal);
        } catch (LastErrorException e) {
            throw ErrnoException.of("kill", e);
        }
    }

    /** kill(pid, signal), where a process that is already gone (ESRCH) is no error. */
    public static void killIfPresent(int pid, int signal) {
        try {
            kill(pid, signal);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        }
    }

    public static String name(int signal) {
        return switch (signal) {
            case SIGINT -> "SIGINT";
            case SIGILL -> "SIGILL";
            case SIGTRAP -> "SIGTRAP";
            case SIGBUS -> "SIGBUS";
            case SIGFPE -> "SIGFPE";
            case SIGKILL -> "SIGKILL";
            case SIGUSR1 -> "SIGUSR1";
            case SIGSEGV -> "SIGSEGV";
            case SIGSTOP -> "SIGSTOP";
            case SIGSYS -> "SIGSYS";
            default -> "signal " + signal;
        };
    }
}
