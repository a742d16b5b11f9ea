package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;

/**
 * An exception or interrupt to deliver through the guest's IDT.
 *
 * @param vector       0..255
 * @param kind         how it was raised: the SDM's rules for error codes, the gate DPL check, RF and
 *                     the EXT bit follow from it
 * @param errorCode    the error code to push, or -1 for none
 * @param faultAddress the linear address for #PF (becomes CR2), else 0
 * @param returnRip    the rip pushed: the faulting instruction for faults, the next one for traps and
 *                     software interrupts
 * @param instructionRip the instruction that raised it: where a fault in its delivery points
 * @param detail       what happened, for the log and a run that ends on it
 */
public record GuestEvent(int vector, Kind kind, long errorCode, long faultAddress, long returnRip,
                         long instructionRip, String detail) {

    public enum Kind {
        /** Restartable: rip is the faulting instruction; RF is set in the pushed RFLAGS. */
        FAULT,
        /** Reported after the instruction (single-step #DB, int1). */
        TRAP,
        /** int n, int3, into: the gate's DPL must be >= CPL; never an error code. */
        SOFTWARE,
        /** #DF. */
        ABORT
    }

    /** The exception an emulator raised at the instruction at rip. */
    public static GuestEvent fault(GuestFault f, long rip) {
        return fault(f, rip, f.getMessage());
    }

    /** As {@link #fault(GuestFault, long)}, with another detail (the instruction's text, say). */
    public static GuestEvent fault(GuestFault f, long rip, String detail) {
        long error = GuestFault.hasErrorCode(f.vector()) ? f.errorCode() : -1;
        return new GuestEvent(f.vector(), Kind.FAULT, error, f.faultAddress(), rip, rip, detail);
    }

    /** A fault the hardware raised at rip, with error code 0 where the vector has one. */
    public static GuestEvent fault(int vector, long rip, String detail) {
        return new GuestEvent(vector, Kind.FAULT, GuestFault.hasErrorCode(vector) ? 0 : -1, 0, rip, rip, detail);
    }

    /** #PF at rip for an access to address, with the SDM's error code bits. */
    public static GuestEvent pageFault(long errorCode, long address, long rip, String detail) {
        return new GuestEvent(GuestFault.PF, Kind.FAULT, errorCode, address, rip, rip, detail);
    }

    public static GuestEvent trap(int vector, long nextRip, String detail) {
        return new GuestEvent(vector, Kind.TRAP, -1, 0, nextRip, nextRip, detail);
    }

    /** int n, int3, into at instructionRip; the handler returns to nextRip. */
    public static GuestEvent software(int vector, long instructionRip, long nextRip, String detail) {
        return new GuestEvent(vector, Kind.SOFTWARE, -1, 0, nextRip, instructionRip, detail);
    }

    /** 1 when the event is not the program's own int n: the EXT bit of error codes raised in delivery. */
    int ext() {
        return kind == Kind.SOFTWARE ? 0 : 1;
    }

    String name() {
        return GuestFault.nameWithErrorCode(vector, errorCode);
    }
}
