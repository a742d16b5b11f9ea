package dev.uhv.exec;

import dev.uhv.cpu.RegisterFile;
import dev.uhv.linux.Signals;

import java.nio.file.Path;

/**
 * Moves traps between the guest's process and uhv: starts the child, hands over its registers at
 * each stop and resumes it. Knows nothing of instructions (the emulators do, the same for every
 * transport). Every method but {@link #poke()} is called from the vCPU thread that called
 * {@link #start}.
 */
public interface Transport extends AutoCloseable, SignalInfo {
    /**
     * Flags for uhv-child: ask for CPUID and RDTSC faulting; map guest RAM without execute permission
     * (for the code scanner, which makes pages executable through {@link #protect}).
     */
    int FLAG_CPUID_FAULT = 1, FLAG_TSC_FAULT = 2, FLAG_NX_RAM = 4;
    /**
     * Reported by uhv-child: where it put a flat data segment for virtual CPL0's SS: its first TLS
     * slot in the GDT (selector 0x63), or, where the host has no i386 set_thread_area, entry 0 of an
     * LDT of its own (selector 0x7, which makes every switch to the child reload the LDT).
     */
    int ACTIVE_KERNEL_SS_GDT = 4, ACTIVE_KERNEL_SS_LDT = 8;
    /** GDT entry 12 (the first TLS slot), RPL 3; LDT entry 0, RPL 3. */
    int KERNEL_SS_GDT_SELECTOR = (12 << 3) | 3, KERNEL_SS_LDT_SELECTOR = (0 << 3) | 4 | 3;

    /**
     * Starts uhv-child with guest RAM (memfd) mapped at [mapAddress, mapAddress + mapLength) from
     * fileOffset, pinned to cpu (or -1), and waits until it is ready. The registers then hold the
     * child's own state, to be replaced by the guest's initial state and stored.
     */
    void start(Path childExecutable, int memfd, long mapAddress, long mapLength, long fileOffset, int cpu, int flags)
            throws ChildSetupException;

    /** FLAG_CPUID_FAULT / FLAG_TSC_FAULT and ACTIVE_KERNEL_SS_* bits for what the child really has. */
    int activeFeatures();

    /** The selector of the CPL0 stack segment the child has, or 0. */
    default int kernelStackSelector() {
        if ((activeFeatures() & ACTIVE_KERNEL_SS_GDT) != 0) {
            return KERNEL_SS_GDT_SELECTOR;
        }
        return (activeFeatures() & ACTIVE_KERNEL_SS_LDT) != 0 ? KERNEL_SS_LDT_SELECTOR : 0;
    }

    /** The registers of the last stop, once loaded; what {@link #storeRegisters()} gives the guest. */
    RegisterFile registers();

    /** Fills {@link #registers()} from the child's stop. */
    void loadRegisters();

    /** Gives the child {@link #registers()} for its next resume. */
    void storeRegisters();

    /** Resumes the guest (no signal delivered; system calls never run) and waits for its next stop. */
    StopKind resume();

    /**
     * Runs the instruction at rip alone (the stored registers) and waits for the stop after it: a
     * SIGTRAP when it completed, or the signal it faulted with. The trap flag the step needs is
     * the transport's and is gone from the registers after it, unless the guest had TF set, or
     * loadsFlags (the instruction is popf or iret) and it completed: then TF is what it loaded.
     */
    StopKind singleStep(boolean loadsFlags);

    /** Whether stop, after {@link #singleStep}, is the step's own trap: the instruction completed. */
    default boolean stepCompleted(StopKind stop) {
        return stop == StopKind.SIGNAL && lastSignal() == Signals.SIGTRAP && code() == TRAP_TRACE;
    }

    /**
     * Changes the protection of guest pages in the child, from the child's own code (the only place
     * its seccomp wall allows mprotect from). Only between a stop and the next resume; the guest's
     * registers are what {@link #registers()} holds afterwards.
     */
    void protect(long address, long length, int prot);

    /** The signal of the last SIGNAL stop or KILLED end. */
    int lastSignal();

    int lastExitCode();

    /** The child's pid while it may be signalled (started and not yet reaped), else -1. */
    int livePid();

    /**
     * Makes a running guest stop soon (timeout, Ctrl-C), from any thread: a SIGUSR1, which the
     * transport sees as a stop that is not a trap (ptrace never delivers it; the fast transport's
     * handler posts it).
     */
    default void poke() {
        int p = livePid();
        if (p > 0) {
            Signals.killIfPresent(p, Signals.SIGUSR1);
        }
    }

    /** Kills and reaps the child, once; safe to call again. */
    @Override
    void close();
}
