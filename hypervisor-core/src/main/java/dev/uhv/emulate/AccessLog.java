package dev.uhv.emulate;

/**
 * Where emulators note what one trapped instruction read and wrote, for --trace. The machine holds
 * {@link #NONE} unless a trace is written: its methods do nothing, and every argument is a primitive
 * or an object that already exists, so a run without --trace pays neither an allocation nor a branch
 * of its own per trap. Each method is called after the access succeeded; one that faults notes
 * nothing but the exception it raised.
 */
public interface AccessLog {
    /** Notes nothing. */
    AccessLog NONE = new AccessLog() {
    };

    /** One port access of size bytes (1, 2, 4): value read (in) or written. */
    default void port(int port, int size, boolean in, long value) {
    }

    /** One access of size bytes to a memory-mapped device at address: value read or written. */
    default void mmio(long address, int size, boolean write, long value) {
    }

    /** rdmsr or wrmsr of index; ignored: --ignore-msrs read 0 or dropped the write of an unmodelled MSR. */
    default void msr(int index, boolean write, long value, boolean ignored) {
    }

    /** A read (old == value) or write of CRn: its value before and after. */
    default void controlRegister(int n, boolean write, long old, long value) {
    }

    /** A read (old == value) or write of DRn: its value before and after. */
    default void debugRegister(int n, boolean write, long old, long value) {
    }

    /** cpuid of leaf and subleaf, and the four registers it returned. */
    default void cpuid(int leaf, int subleaf, int eax, int ebx, int ecx, int edx) {
    }

    /**
     * A descriptor-table register loaded: register is "gdtr", "idtr" (selector -1), "ldtr" or "tr".
     */
    default void table(String register, int selector, long base, long limit) {
    }

    /**
     * An exception or interrupt the instruction raised: delivered through the guest's IDT (the
     * last one, a #DF say, when its delivery faulted), or not (no IDT, a triple fault).
     */
    default void exception(GuestEvent event, boolean delivered) {
    }
}
