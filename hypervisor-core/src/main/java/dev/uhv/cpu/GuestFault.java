package dev.uhv.cpu;

/**
 * An exception the guest's own instruction raises on the virtual CPU (#GP, #UD, #PF...), as the SDM
 * defines for that instruction. Thrown by emulators, never by uhv's own failures. Carries no stack
 * trace: it is control flow, not a bug report.
 */
public final class GuestFault extends Exception {
    public static final int DE = 0;
    public static final int DB = 1;
    public static final int NMI = 2;
    public static final int BP = 3;
    public static final int OF = 4;
    public static final int BR = 5;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int DF = 8;
    public static final int TS = 10;
    public static final int NP = 11;
    public static final int SS = 12;
    public static final int GP = 13;
    public static final int PF = 14;
    public static final int MF = 16;
    public static final int AC = 17;
    public static final int MC = 18;
    public static final int XM = 19;
    public static final int VE = 20;
    public static final int CP = 21;

    private static final String[] NAMES = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "vector 9",
        "#TS", "#NP", "#SS", "#GP", "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP"};

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

    /** #SS(0): a stack access with a non-canonical address (SDM Vol. 3A, 6.15). */
    public static GuestFault ss(long errorCode, String detail) {
        return new GuestFault(SS, errorCode, 0, detail);
    }

    /** #TS(selector): a bad TSS, or a stack in it, during a task or stack switch. */
    public static GuestFault ts(long selector, String detail) {
        return new GuestFault(TS, selector, 0, detail);
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
        return vector >= 0 && vector < NAMES.length ? NAMES[vector] : String.format("vector 0x%x", vector);
    }

    /** "#GP(0x18)", or "#UD" for errorCode -1 (none). */
    public static String nameWithErrorCode(int vector, long errorCode) {
        return vectorName(vector) + (errorCode >= 0 ? String.format("(0x%x)", errorCode) : "");
    }

    /** Whether the CPU pushes an error code for this exception (SDM Vol. 3A, 6.15); never for int n. */
    public static boolean hasErrorCode(int vector) {
        return vector == DF || vector == TS || vector == NP || vector == SS || vector == GP || vector == PF
                || vector == AC || vector == CP;
    }
}
