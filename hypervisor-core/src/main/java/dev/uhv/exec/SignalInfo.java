package dev.uhv.exec;

/**
 * The siginfo of the trap being handled: fetched from the kernel only when asked under ptrace (one
 * more call, as few traps need it); the fast transport has it from the trap page.
 */
interface SignalInfo {
    /** Linux si_code values (asm-generic/siginfo.h) that decide which exception a signal was. */
    int SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, TRAP_BRKPT = 1, TRAP_TRACE = 2, TRAP_HWBKPT = 4,
            FPE_INTDIV = 1, FPE_INTOVF = 2, SI_KERNEL = 0x80;

    /** For the stops of a system call, which carry none. */
    SignalInfo NONE = of(0, 0);

    /** Fixed values (a system call's none, a test's or a benchmark's fault). */
    static SignalInfo of(int code, long address) {
        return new Fixed(code, address);
    }

    /** A siginfo's two fields, as values. */
    record Fixed(int code, long address) implements SignalInfo {
    }

    int code();

    /** si_addr: the faulting address of a SIGSEGV page fault. */
    long address();
}
