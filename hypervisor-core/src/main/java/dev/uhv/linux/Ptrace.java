package dev.uhv.linux;

import com.sun.jna.LastErrorException;

/**
 * ptrace(2) requests uhv makes. Every call must come from the thread that spawned the tracee
 * (the tracer is a thread, not the process).
 */
public final class Ptrace {
    public static final int PTRACE_PEEKUSER = 3;
    public static final int PTRACE_POKEUSER = 6;
    public static final int PTRACE_CONT = 7;
    public static final int PTRACE_GETREGS = 12;
    public static final int PTRACE_SETREGS = 13;
    public static final int PTRACE_SETOPTIONS = 0x4200;
    public static final int PTRACE_GETSIGINFO = 0x4202;
    public static final int PTRACE_SYSEMU = 31;
    public static final int PTRACE_SYSEMU_SINGLESTEP = 32;

    public static final int PTRACE_O_TRACESYSGOOD = 1;
    public static final int PTRACE_O_EXITKILL = 1 << 20;

    /** Size of struct user_regs_struct on x86-64 (27 registers of 8 bytes). */
    public static final int USER_REGS_SIZE = 27 * 8;
    /** Offset of eflags in struct user (its user_regs_struct, after r15..rip and cs). */
    public static final int USER_EFLAGS_OFFSET = 18 * 8;
    /** Size of siginfo_t. */
    public static final int SIGINFO_SIZE = 128;

    private Ptrace() {
    }

    public static void setOptions(int pid, int options) {
        call("PTRACE_SETOPTIONS", PTRACE_SETOPTIONS, pid, 0, options);
    }

    /** Reads the tracee's registers into native memory at regsAddress (struct user_regs_struct). */
    public static void getRegs(int pid, long regsAddress) {
        call("PTRACE_GETREGS", PTRACE_GETREGS, pid, 0, regsAddress);
    }

    public static void setRegs(int pid, long regsAddress) {
        call("PTRACE_SETREGS", PTRACE_SETREGS, pid, 0, regsAddress);
    }

    /** One word of the tracee's struct user (a register, at its offset). */
    public static long peekUser(int pid, long offset) {
        try {
            return LibC.ptrace(PTRACE_PEEKUSER, pid, offset, 0);
        } catch (LastErrorException e) {
            throw ErrnoException.of("PTRACE_PEEKUSER", e);
        }
    }

    public static void pokeUser(int pid, long offset, long value) {
        call("PTRACE_POKEUSER", PTRACE_POKEUSER, pid, offset, value);
    }

    /** Reads the siginfo_t of the signal the tracee stopped with into native memory. */
    public static void getSigInfo(int pid, long siginfoAddress) {
        call("PTRACE_GETSIGINFO", PTRACE_GETSIGINFO, pid, 0, siginfoAddress);
    }

    /** Resumes the tracee so that its system calls stop at entry and are never executed. */
    public static void sysemu(int pid, int signal) {
        call("PTRACE_SYSEMU", PTRACE_SYSEMU, pid, 0, signal);
    }

    /** Resumes the tracee for one instruction, its system calls still stopped at entry and never executed. */
    public static void sysemuSingleStep(int pid, int signal) {
        call("PTRACE_SYSEMU_SINGLESTEP", PTRACE_SYSEMU_SINGLESTEP, pid, 0, signal);
    }

    /** Resumes the tracee so that its system calls really run (only for uhv's own code in the child). */
    public static void cont(int pid, int signal) {
        call("PTRACE_CONT", PTRACE_CONT, pid, 0, signal);
    }

    private static void call(String name, int request, int pid, long addr, long data) {
        try {
            LibC.ptrace(request, pid, addr, data);
        } catch (LastErrorException e) {
            throw ErrnoException.of(name, e);
        }
    }
}
