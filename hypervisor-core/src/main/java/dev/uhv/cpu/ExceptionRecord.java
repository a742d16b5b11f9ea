package dev.uhv.cpu;

/**
 * One exception or interrupt the virtual CPU raised: for the dump's history and the log of a triple
 * fault.
 *
 * @param vector       0..255
 * @param errorCode    the error code pushed, or -1 when the vector has none
 * @param rip          where it was raised (the instruction for faults, the next one for traps)
 * @param cpl          the CPL it was raised at
 * @param faultAddress CR2 for #PF, else 0
 * @param outcome      "delivered", "nested" (delivery raised another), "unhandled" or "triple fault"
 */
public record ExceptionRecord(int vector, long errorCode, long rip, int cpl, long faultAddress, String outcome) {

    /** "#PF(0x2) at 0xffff...: cr2=0x..., delivered". */
    public String describe() {
        StringBuilder b = new StringBuilder(GuestFault.nameWithErrorCode(vector, errorCode));
        b.append(String.format(" at 0x%x, cpl %d", rip, cpl));
        if (vector == GuestFault.PF) {
            b.append(String.format(", cr2=0x%x", faultAddress));
        }
        return b.append(", ").append(outcome).toString();
    }
}
