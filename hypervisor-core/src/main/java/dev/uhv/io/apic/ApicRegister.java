package dev.uhv.io.apic;

/**
 * The local APIC's registers, one table for both interfaces (SDM Vol. 3A, Table 10-1 for xAPIC and
 * Table 10-6 for x2APIC): register n sits at MMIO offset n * 0x10 in xAPIC mode and at MSR
 * 0x800 + n in x2APIC mode. A register may exist in one mode only (APR, RRD, DFR and the ICR's high
 * half in xAPIC mode, SELF IPI in x2APIC mode), and LDR is writable only in xAPIC mode.
 *
 * <p>{@link #writable} are the bits software sets; {@link #status} are defined bits the APIC
 * alone sets (delivery status, remote IRR). Every other bit is reserved: an xAPIC write drops
 * it, an x2APIC WRMSR that sets it is #GP (10.12.1.3).
 */
enum ApicRegister {
    ID(0x02, Access.READ_ONLY, Access.READ_ONLY, 0, 0),
    VERSION(0x03, Access.READ_ONLY, Access.READ_ONLY, 0, 0),
    TPR(0x08, Access.READ_WRITE, Access.READ_WRITE, 0xff, 0),
    APR(0x09, Access.READ_ONLY, null, 0, 0),
    PPR(0x0a, Access.READ_ONLY, Access.READ_ONLY, 0, 0),
    /** Writable bits 0: in x2APIC mode only 0 may be written (Table 10-6). */
    EOI(0x0b, Access.WRITE_ONLY, Access.WRITE_ONLY, 0, 0),
    RRD(0x0c, Access.READ_ONLY, null, 0, 0),
    LDR(0x0d, Access.READ_WRITE, Access.READ_ONLY, 0xff00_0000, 0),
    /** Bits 27:0 are reserved and read as ones (10.6.2.2). */
    DFR(0x0e, Access.READ_WRITE, null, 0xf000_0000, 0),
    /**
     * Vector 7:0, APIC software enable 8. Focus processor checking (9) is reserved on Pentium 4
     * and later, and EOI-broadcast suppression (12) is offered only when the version register's
     * bit 24 says so, which it does not (Figure 10-23); QEMU keeps the same 0x1FF.
     */
    SPIV(0x0f, Access.READ_WRITE, Access.READ_WRITE, 0x1ff, 0),
    ISR(0x10, 8, Access.READ_ONLY),
    TMR(0x18, 8, Access.READ_ONLY),
    IRR(0x20, 8, Access.READ_ONLY),
    /** Written only to latch the errors seen since the last write; in x2APIC mode only 0 (10.5.3). */
    ESR(0x28, Access.READ_WRITE, Access.READ_WRITE, 0, 0),
    /** LVT layouts: Figure 10-8. CMCI, thermal and performance have a delivery mode (10:8). */
    LVT_CMCI(0x2f, Access.READ_WRITE, Access.READ_WRITE, Lvt.MASK | Lvt.MODE | 0xff, Lvt.DELIVERY_STATUS),
    /**
     * Vector, delivery mode, destination mode, level, trigger mode, shorthand (Figure 10-12).
     * Delivery status (12) always reads 0 here, IPIs completing at once; x2APIC mode has no such
     * bit, so it is reserved there (10.12.9).
     */
    ICR_LOW(0x30, Access.READ_WRITE, Access.READ_WRITE, 0x000c_cfff, 0),
    ICR_HIGH(0x31, Access.READ_WRITE, null, 0xff00_0000, 0),
    /** Timer mode 17 (periodic); bit 18 (TSC-deadline) is reserved while CPUID does not offer it (10.5.4.1). */
    LVT_TIMER(0x32, Access.READ_WRITE, Access.READ_WRITE, Lvt.MASK | Lvt.PERIODIC | 0xff, Lvt.DELIVERY_STATUS),
    LVT_THERMAL(0x33, Access.READ_WRITE, Access.READ_WRITE, Lvt.MASK | Lvt.MODE | 0xff, Lvt.DELIVERY_STATUS),
    LVT_PERF(0x34, Access.READ_WRITE, Access.READ_WRITE, Lvt.MASK | Lvt.MODE | 0xff, Lvt.DELIVERY_STATUS),
    /** LINT0/1 add polarity 13, remote IRR 14 (read-only) and trigger mode 15. */
    LVT_LINT0(0x35, Access.READ_WRITE, Access.READ_WRITE, Lvt.LINT_WRITABLE, Lvt.DELIVERY_STATUS | Lvt.REMOTE_IRR),
    LVT_LINT1(0x36, Access.READ_WRITE, Access.READ_WRITE, Lvt.LINT_WRITABLE, Lvt.DELIVERY_STATUS | Lvt.REMOTE_IRR),
    LVT_ERROR(0x37, Access.READ_WRITE, Access.READ_WRITE, Lvt.MASK | 0xff, Lvt.DELIVERY_STATUS),
    TIMER_INITIAL(0x38, Access.READ_WRITE, Access.READ_WRITE, 0xffff_ffff, 0),
    TIMER_CURRENT(0x39, Access.READ_ONLY, Access.READ_ONLY, 0, 0),
    /** Divide value in bits 3 and 1:0 (Figure 10-10). */
    TIMER_DIVIDE(0x3e, Access.READ_WRITE, Access.READ_WRITE, 0xb, 0),
    SELF_IPI(0x3f, null, Access.WRITE_ONLY, 0xff, 0);

    /** How software may access a register in one mode. */
    enum Access { READ_ONLY, WRITE_ONLY, READ_WRITE }

    /** LVT entry bits (SDM Vol. 3A, Figure 10-8). */
    static final class Lvt {
        static final int MODE = 0x700, DELIVERY_STATUS = 1 << 12, POLARITY = 1 << 13, REMOTE_IRR = 1 << 14,
                LEVEL_TRIGGERED = 1 << 15, MASK = 1 << 16, PERIODIC = 1 << 17;
        static final int LINT_WRITABLE = MASK | LEVEL_TRIGGERED | POLARITY | MODE | 0xff;

        private Lvt() {
        }
    }

    /** Register slots 0x00-0x3F: 0x40 16-byte slots fill the xAPIC page's first 1 KiB. */
    static final int SLOTS = 0x40;
    private static final ApicRegister[] BY_SLOT = new ApicRegister[SLOTS];

    static {
        for (ApicRegister r : values()) {
            for (int i = 0; i < r.count; i++) {
                BY_SLOT[r.slot + i] = r;
            }
        }
    }

    final int slot;
    /** Consecutive slots: 8 for the 256-bit ISR, TMR and IRR, else 1. */
    final int count;
    /** Access in xAPIC mode (MMIO), null where the register does not exist there. */
    final Access xapic;
    /** Access in x2APIC mode (MSR), null where the register does not exist there. */
    final Access x2apic;
    final int writable;
    final int status;

    ApicRegister(int slot, Access xapic, Access x2apic, int writable, int status) {
        this(slot, 1, xapic, x2apic, writable, status);
    }

    ApicRegister(int slot, int count, Access both) {
        this(slot, count, both, both, 0, 0);
    }

    ApicRegister(int slot, int count, Access xapic, Access x2apic, int writable, int status) {
        this.slot = slot;
        this.count = count;
        this.xapic = xapic;
        this.x2apic = x2apic;
        this.writable = writable;
        this.status = status;
    }

    /** The register in slot (0 to 0x3F), or null for a reserved slot. */
    static ApicRegister at(int slot) {
        return slot >= 0 && slot < SLOTS ? BY_SLOT[slot] : null;
    }

    /** Bits an x2APIC WRMSR may not set (10.12.1.3); for the 64-bit ICR, those of its low half. */
    int reserved() {
        return ~(writable | status);
    }

    boolean isLvt() {
        return this == LVT_CMCI || (slot >= LVT_TIMER.slot && slot <= LVT_ERROR.slot);
    }
}
