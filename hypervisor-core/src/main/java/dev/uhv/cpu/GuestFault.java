package dev.uhv.cpu;

/**
 * An exception the guest's own instruction raises on the virtual CPU (#GP, #UD, #PF...), as the SDM
 * defines for that instruction. Thrown by emulators, never by uhv's own failures. Carries no stack
 * trace: it is control flow, not a bug report.
 */
public final class GuestFault extends Exception {
    public static final int DE = 0;
    public static final int DB = 1;
    public static final int BP = 3;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int NP = 11;
    public static final int GP = 13;
    public static final int PF = 14;

    private final int vector;
    private final long errorCode;
    private final long faultAddress;

    private GuestFault(int vector, long errorCode, long faultAddress, String detail) {
        super(detail, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.faultAddress = faultAddress;
    }

    /** #GP(0) with what the guest did wrong. */
    public static GuestFault gp(String detail) {
        return new GuestFault(GP, 0, 0, detail);
    }

    /** #GP with an error code (a selector, for descriptor loads). */
    public static GuestFault gp(long errorCode, String detail) {
        return new GuestFault(GP, errorCode, 0, detail);
    }

    /** #NP(selector): a descriptor that is not present. */
    public static GuestFault np(long selector, String detail) {
        return new GuestFault(NP, selector, 0, detail);
    }

    public static GuestFault ud(String detail) {
        return new GuestFault(UD, 0, 0, detail);
    }

    /** #PF at a linear address (becomes CR2) with the SDM's error code bits (P, W/R, U/S, I/D). */
    public static GuestFault pf(long address, long errorCode, String detail) {
        return new GuestFault(PF, errorCode, address, detail);
    }

    public static GuestFault of(int vector, String detail) {
        return new GuestFault(vector, 0, 0, detail);
    }

    public int vector() {
        return vector;
    }

    public long errorCode() {
        return errorCode;
    }

    public long faultAddress() {
        return faultAddress;
    }

    /** "#GP", "#PF"... */
    public String mnemonic() {
        return vectorName(vector);
    }

    public static String vectorName(int vector) {
        return switch (vector) {
            case DE -> "#DE";
            case DB -> "#DB";
            case BP -> "#BP";
            case UD -> "#UD";
            case NM -> "#NM";
            case NP -> "#NP";
            case GP -> "#GP";
            case PF -> "#PF";
            default -> "vector " + vector;
        };
    }
}
