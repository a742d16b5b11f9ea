package dev.uhv.exec;

/**
 * The siginfo of the trap being handled, fetched from the kernel only when asked (one more ptrace
 * call), as few traps need it.
 */
interface SignalInfo {
    /** Linux si_code values (asm-generic/siginfo.h) that decide which exception a signal was. */
    int SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, TRAP_BRKPT = 1, TRAP_TRACE = 2, TRAP_HWBKPT = 4,
            FPE_INTDIV = 1, FPE_INTOVF = 2, SI_KERNEL = 0x80;

    /** For the stops of a system call, which carry none. */
    SignalInfo NONE = new SignalInfo() {
        @Override
        public int code() {
            return 0;
        }

        @Override
        public long address() {
            return 0;
        }
    };

    int code();

    /** si_addr: the faulting address of a SIGSEGV page fault. */
    long address();
}
