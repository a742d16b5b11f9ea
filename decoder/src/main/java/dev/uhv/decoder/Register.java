package dev.uhv.decoder;

/**
 * The registers uhv's emulators name. Zydis registers that are not listed here (vector, x87, mask
 * registers...) decode as {@link #OTHER}. The mapping from Zydis is by name, so Zydis's own
 * numbering never leaks out of the binding.
 */
public enum Register {
    NONE(Kind.NONE, -1, 0, false),
    RAX(Kind.GPR, 0, 64, false),
    RCX(Kind.GPR, 1, 64, false),
    RDX(Kind.GPR, 2, 64, false),
    RBX(Kind.GPR, 3, 64, false),
    RSP(Kind.GPR, 4, 64, false),
    RBP(Kind.GPR, 5, 64, false),
    RSI(Kind.GPR, 6, 64, false),
    RDI(Kind.GPR, 7, 64, false),
    R8(Kind.GPR, 8, 64, false),
    R9(Kind.GPR, 9, 64, false),
    R10(Kind.GPR, 10, 64, false),
    R11(Kind.GPR, 11, 64, false),
    R12(Kind.GPR, 12, 64, false),
    R13(Kind.GPR, 13, 64, false),
    R14(Kind.GPR, 14, 64, false),
    R15(Kind.GPR, 15, 64, false),
    EAX(Kind.GPR, 0, 32, false),
    ECX(Kind.GPR, 1, 32, false),
    EDX(Kind.GPR, 2, 32, false),
    EBX(Kind.GPR, 3, 32, false),
    ESP(Kind.GPR, 4, 32, false),
    EBP(Kind.GPR, 5, 32, false),
    ESI(Kind.GPR, 6, 32, false),
    EDI(Kind.GPR, 7, 32, false),
    R8D(Kind.GPR, 8, 32, false),
    R9D(Kind.GPR, 9, 32, false),
    R10D(Kind.GPR, 10, 32, false),
    R11D(Kind.GPR, 11, 32, false),
    R12D(Kind.GPR, 12, 32, false),
    R13D(Kind.GPR, 13, 32, false),
    R14D(Kind.GPR, 14, 32, false),
    R15D(Kind.GPR, 15, 32, false),
    AX(Kind.GPR, 0, 16, false),
    CX(Kind.GPR, 1, 16, false),
    DX(Kind.GPR, 2, 16, false),
    BX(Kind.GPR, 3, 16, false),
    SP(Kind.GPR, 4, 16, false),
    BP(Kind.GPR, 5, 16, false),
    SI(Kind.GPR, 6, 16, false),
    DI(Kind.GPR, 7, 16, false),
    R8W(Kind.GPR, 8, 16, false),
    R9W(Kind.GPR, 9, 16, false),
    R10W(Kind.GPR, 10, 16, false),
    R11W(Kind.GPR, 11, 16, false),
    R12W(Kind.GPR, 12, 16, false),
    R13W(Kind.GPR, 13, 16, false),
    R14W(Kind.GPR, 14, 16, false),
    R15W(Kind.GPR, 15, 16, false),
    AL(Kind.GPR, 0, 8, false),
    CL(Kind.GPR, 1, 8, false),
    DL(Kind.GPR, 2, 8, false),
    BL(Kind.GPR, 3, 8, false),
    SPL(Kind.GPR, 4, 8, false),
    BPL(Kind.GPR, 5, 8, false),
    SIL(Kind.GPR, 6, 8, false),
    DIL(Kind.GPR, 7, 8, false),
    R8B(Kind.GPR, 8, 8, false),
    R9B(Kind.GPR, 9, 8, false),
    R10B(Kind.GPR, 10, 8, false),
    R11B(Kind.GPR, 11, 8, false),
    R12B(Kind.GPR, 12, 8, false),
    R13B(Kind.GPR, 13, 8, false),
    R14B(Kind.GPR, 14, 8, false),
    R15B(Kind.GPR, 15, 8, false),
    AH(Kind.GPR, 0, 8, true),
    CH(Kind.GPR, 1, 8, true),
    DH(Kind.GPR, 2, 8, true),
    BH(Kind.GPR, 3, 8, true),
    ES(Kind.SEGMENT, 0, 16, false),
    CS(Kind.SEGMENT, 1, 16, false),
    SS(Kind.SEGMENT, 2, 16, false),
    DS(Kind.SEGMENT, 3, 16, false),
    FS(Kind.SEGMENT, 4, 16, false),
    GS(Kind.SEGMENT, 5, 16, false),
    RIP(Kind.IP, -1, 64, false),
    EIP(Kind.IP, -1, 32, false),
    IP(Kind.IP, -1, 16, false),
    CR0(Kind.CONTROL, 0, 64, false),
    CR1(Kind.CONTROL, 1, 64, false),
    CR2(Kind.CONTROL, 2, 64, false),
    CR3(Kind.CONTROL, 3, 64, false),
    CR4(Kind.CONTROL, 4, 64, false),
    CR5(Kind.CONTROL, 5, 64, false),
    CR6(Kind.CONTROL, 6, 64, false),
    CR7(Kind.CONTROL, 7, 64, false),
    CR8(Kind.CONTROL, 8, 64, false),
    CR9(Kind.CONTROL, 9, 64, false),
    CR10(Kind.CONTROL, 10, 64, false),
    CR11(Kind.CONTROL, 11, 64, false),
    CR12(Kind.CONTROL, 12, 64, false),
    CR13(Kind.CONTROL, 13, 64, false),
    CR14(Kind.CONTROL, 14, 64, false),
    CR15(Kind.CONTROL, 15, 64, false),
    DR0(Kind.DEBUG, 0, 64, false),
    DR1(Kind.DEBUG, 1, 64, false),
    DR2(Kind.DEBUG, 2, 64, false),
    DR3(Kind.DEBUG, 3, 64, false),
    DR4(Kind.DEBUG, 4, 64, false),
    DR5(Kind.DEBUG, 5, 64, false),
    DR6(Kind.DEBUG, 6, 64, false),
    DR7(Kind.DEBUG, 7, 64, false),
    DR8(Kind.DEBUG, 8, 64, false),
    DR9(Kind.DEBUG, 9, 64, false),
    DR10(Kind.DEBUG, 10, 64, false),
    DR11(Kind.DEBUG, 11, 64, false),
    DR12(Kind.DEBUG, 12, 64, false),
    DR13(Kind.DEBUG, 13, 64, false),
    DR14(Kind.DEBUG, 14, 64, false),
    DR15(Kind.DEBUG, 15, 64, false),
    OTHER(Kind.OTHER, -1, 0, false);

    /** What a register is. */
    public enum Kind { NONE, GPR, SEGMENT, IP, CONTROL, DEBUG, OTHER }

    private final Kind kind;
    private final int index;
    private final int width;
    private final boolean highByte;

    Register(Kind kind, int index, int width, boolean highByte) {
        this.kind = kind;
        this.index = index;
        this.width = width;
        this.highByte = highByte;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The architectural number: 0..15 for GPRs (RAX=0 ... R15=15; AH..BH give the number of the
     * register they live in), 0..5 for segment registers in ES,CS,SS,DS,FS,GS order, n for CRn/DRn.
     */
    public int index() {
        return index;
    }

    /** Width in bits (0 for NONE and OTHER). */
    public int width() {
        return width;
    }

    /** True for AH, CH, DH, BH (bits 15:8 of their register). */
    public boolean isHighByte() {
        return highByte;
    }
}
