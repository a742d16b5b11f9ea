package dev.uhv.emulate;

/** Instruction families, for trap counts in the summary and the state dump. */
public enum InstructionFamily {
    CONTROL_REGISTER,
    DEBUG_REGISTER,
    MSR,
    CPUID,
    PORT_IO,
    DESCRIPTOR_TABLE,
    SYSTEM,
    TIME_STAMP,
    SYSTEM_CALL,
    /**
     * Loads of DS, ES, FS, GS and SS with the guest's selectors, and reads of any segment register
     * (mov from one, push of one), which give the guest's selectors back, not the host's.
     */
    SEGMENT,
    /** Far jmp, call and ret, and iret. */
    FAR_TRANSFER,
    /** int n, int3, into, int1. */
    INTERRUPT,
    /** Guest loads, stores and arithmetic on a memory-mapped device (a native access that faulted). */
    MMIO,
    /** pushf and popf, with the virtual IF and IOPL. */
    FLAGS
}
