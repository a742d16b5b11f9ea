package dev.uhv.io.apic;

import dev.uhv.cpu.ApicMsrs;
import dev.uhv.cpu.GuestFault;
import dev.uhv.io.MmioDevice;
import dev.uhv.io.apic.ApicRegister.Access;
import dev.uhv.io.apic.ApicRegister.Lvt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The local APIC of uhv's one virtual CPU: APIC ID 0, the bootstrap processor (SDM Vol. 3A,
 * chapter 10). It owns IA32_APIC_BASE, and serves its registers through the MMIO page in xAPIC
 * mode and through MSRs 0x800-0x8FF in x2APIC mode, with the same state behind both
 * ({@link ApicRegister} is the map).
 *
 * <p>What is modelled: every register holds what the SDM lets software write; reserved bits are
 * dropped in xAPIC mode and #GP in x2APIC mode; the LVT mask bits stick while the APIC is software
 * disabled (10.4.7.2); PPR follows TPR and ISR (10.8.3.1); ESR latches illegal-register and
 * illegal-vector errors (10.5.3); the timer's current count falls from the initial count at 1 GHz
 * divided ({@link ApicTimer}). IPIs complete at once (the ICR's delivery status always reads 0):
 * there are no other CPUs, so INIT, SIPI and the rest go nowhere, and a fixed IPI that addresses
 * this APIC is only recorded in the IRR. Not modelled yet: delivering interrupts to the CPU (the IRR
 * to ISR step), timer interrupts, the LVT and error interrupts, CR8 as an alias of the TPR.
 *
 * <p>MMIO accesses: only aligned 32-bit accesses are defined (10.4.1). A narrower or misaligned
 * read returns the bytes of the registers it covers (bytes 4-15 of a slot read 0), and any other
 * write is dropped; both are reported once. While the APIC is disabled or in x2APIC mode the page
 * reads all ones and drops writes, as a bus with nothing there (10.12.2).
 */
public final class LocalApic implements MmioDevice, ApicMsrs {
    public static final long DEFAULT_BASE = 0xfee0_0000L;
    public static final long MMIO_SIZE = 0x1000;
    /** The only CPU's APIC ID: in xAPIC mode bits 31:24 of the ID register, in x2APIC mode the whole. */
    public static final int ID = 0;
    /** As QEMU's: version 0x14 (integrated APIC), highest LVT entry 5 (bits 23:16: six LVTs, no CMCI). */
    public static final int VERSION = 0x0005_0014;
    static final int SPIV_RESET = 0xff, SPIV_ENABLE = 1 << 8;
    static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5, ESR_ILLEGAL_REGISTER = 1 << 7;
    /** ICR fields (Figure 10-12). */
    static final int ICR_LOGICAL = 1 << 11, ICR_SHORTHAND_SHIFT = 18;
    static final int DELIVERY_FIXED = 0;
    static final int SHORTHAND_NONE = 0, SHORTHAND_SELF = 1, SHORTHAND_ALL = 2;
    /** Vectors 0-15 are illegal for interrupts (10.5.2). */
    static final int FIRST_LEGAL_VECTOR = 16;
    private static final ApicRegister[] LVTS = Arrays.stream(ApicRegister.values()).filter(ApicRegister::isLvt)
            .toArray(ApicRegister[]::new);
    private static final long FLOATING = -1L;
    private static final Logger log = LoggerFactory.getLogger(LocalApic.class);

    /**
     * Told when the guest moves the APIC's page, before the move takes effect, so the MMIO
     * registration can follow. It may refuse (a page another device holds, say) by throwing the
     * guest's fault; IA32_APIC_BASE then keeps its old value.
     */
    @FunctionalInterface
    public interface Relocation {
        void moved(long fromPage, long toPage) throws GuestFault;
    }

    private final long pageMask;
    private final ApicTimer timer;
    /** The registers that only hold what was written (TPR, LDR, DFR, SPIV, LVTs, ICR), by slot. */
    private final int[] held = new int[ApicRegister.SLOTS];
    private final VectorSet isr = new VectorSet();
    private final VectorSet tmr = new VectorSet();
    private final VectorSet irr = new VectorSet();
    private long apicBase = BASE_DEFAULT;
    private int esr;
    /** Errors seen since the last ESR write; the next write moves them into the ESR (10.5.3). */
    private int pendingErrors;
    private Relocation relocation = (from, to) -> { };
    private boolean oddAccessReported;

    /**
     * An APIC in its power-up state (10.4.7.1) at {@link #DEFAULT_BASE}, whose base may use
     * physicalAddressBits, and whose timer counts on nanoClock (System::nanoTime).
     */
    public LocalApic(int physicalAddressBits, LongSupplier nanoClock) {
        pageMask = ((1L << physicalAddressBits) - 1) & ~0xfffL;
        timer = new ApicTimer(nanoClock);
        resetRegisters();
    }

    /** Sets who moves the MMIO registration when the guest relocates the page. */
    public void onRelocate(Relocation listener) {
        relocation = listener;
    }

    public ApicMode mode() {
        return ApicMode.of(apicBase);
    }

    /** The guest-physical page of the xAPIC registers (IA32_APIC_BASE bits 12 and up). */
    public long mmioBase() {
        return apicBase & pageMask;
    }

    @Override
    public String name() {
        return "lapic";
    }

    @Override
    public long apicBase() {
        return apicBase;
    }

    // ---- xAPIC: the MMIO page ------------------------------------------------------------------

    @Override
    public long read(long offset, int size) {
        if (mode() != ApicMode.XAPIC) {
            return FLOATING;
        }
        if (size == 4 && (offset & 0xf) == 0) {
            return Integer.toUnsignedLong(readSlot((int) (offset >>> 4)));
        }
        reportOddAccess("read", offset, size);
        return RegisterBytes.read(this::byteAt, offset, size);
    }

    @Override
    public void write(long offset, int size, long value) {
        if (mode() != ApicMode.XAPIC) {
            return;
        }
        if (size != 4 || (offset & 0xf) != 0) {
            reportOddAccess("write", offset, size);
            return;
        }
        ApicRegister r = ApicRegister.at((int) (offset >>> 4));
        if (r == null || r.xapic == null) {
            pendingErrors |= ESR_ILLEGAL_REGISTER;
        } else if (r.xapic != Access.READ_ONLY) {
            store(r, (int) value);
        }
    }

    private int byteAt(long offset) {
        int inSlot = (int) offset & 0xf;
        return inSlot < 4 ? readSlot((int) (offset >>> 4)) >>> (8 * inSlot) & 0xff : 0;
    }

    private int readSlot(int slot) {
        ApicRegister r = ApicRegister.at(slot);
        if (r == null || r.xapic == null) {
            pendingErrors |= ESR_ILLEGAL_REGISTER;
            return 0;
        }
        return r.xapic == Access.WRITE_ONLY ? 0 : value(r, slot - r.slot);
    }

    private void reportOddAccess(String op, long offset, int size) {
        if (!oddAccessReported) {
            oddAccessReported = true;
            log.warn("guest made a {}-byte {} at local APIC offset 0x{}: only aligned 32-bit accesses are defined "
                    + "(SDM Vol. 3A, 10.4.1); uhv reads the registers' bytes and drops other writes (reported once)",
                    size, op, Long.toHexString(offset));
        }
    }

    // ---- IA32_APIC_BASE and x2APIC: the MSRs ---------------------------------------------------

    @Override
    public long read(int index) throws GuestFault {
        if (index == APIC_BASE) {
            return apicBase;
        }
        ApicRegister r = x2apicRegister("rdmsr", index);
        if (r.x2apic == Access.WRITE_ONLY) {
            throw GuestFault.gp(String.format("rdmsr 0x%x: x2APIC %s is write-only", index, r));
        }
        if (r == ApicRegister.ICR_LOW) {
            return (long) held[ApicRegister.ICR_HIGH.slot] << 32 | Integer.toUnsignedLong(held[r.slot]);
        }
        return Integer.toUnsignedLong(value(r, index - X2APIC_FIRST - r.slot));
    }

    @Override
    public void write(int index, long value) throws GuestFault {
        if (index == APIC_BASE) {
            writeBase(value);
            return;
        }
        ApicRegister r = x2apicRegister("wrmsr", index);
        if (r.x2apic == Access.READ_ONLY) {
            throw GuestFault.gp(String.format("wrmsr 0x%x: x2APIC %s is read-only", index, r));
        }
        // Only the ICR is 64 bits wide; bits 63:32 of every other register are reserved (10.12.1.2).
        long reserved = (r == ApicRegister.ICR_LOW ? 0 : value & ~0xffff_ffffL) | (value & r.reserved() & 0xffff_ffffL);
        if (reserved != 0) {
            throw GuestFault.gp(r.writable == 0
                    ? String.format("wrmsr 0x%x = 0x%x: only 0 may be written to x2APIC %s", index, value, r)
                    : String.format("wrmsr 0x%x = 0x%x: x2APIC %s reserved bits 0x%x set", index, value, r, reserved));
        }
        if (r == ApicRegister.ICR_LOW) {
            held[ApicRegister.ICR_HIGH.slot] = (int) (value >>> 32);
        }
        store(r, (int) value);
    }

    /** The register behind an x2APIC MSR, which exists only in x2APIC mode (10.12.2). */
    private ApicRegister x2apicRegister(String op, int index) throws GuestFault {
        if (mode() != ApicMode.X2APIC) {
            throw GuestFault.gp(String.format("%s 0x%x: the x2APIC MSRs exist only in x2APIC mode (IA32_APIC_BASE = "
                    + "0x%x)", op, index, apicBase));
        }
        ApicRegister r = ApicRegister.at(index - X2APIC_FIRST);
        if (r == null || r.x2apic == null) {
            throw GuestFault.gp(String.format("%s 0x%x: reserved x2APIC MSR", op, index));
        }
        return r;
    }

    private void writeBase(long value) throws GuestFault {
        long reserved = value & ~(pageMask | BASE_BSP | BASE_EXTD | BASE_EN);
        if (reserved != 0) {
            throw GuestFault.gp(String.format("wrmsr APIC_BASE = 0x%x sets reserved bits 0x%x", value, reserved));
        }
        ApicMode from = mode();
        ApicMode to = ApicMode.of(value);
        String refusal = from.refusalTo(to);
        if (refusal != null) {
            throw GuestFault.gp(String.format("wrmsr APIC_BASE = 0x%x: %s (SDM Vol. 3A, 10.12.5.1)", value, refusal));
        }
        long fromPage = mmioBase();
        long toPage = value & pageMask;
        if (toPage != fromPage) {
            relocation.moved(fromPage, toPage);
        }
        // BSP is the processor's to set, not software's.
        apicBase = (value & ~BASE_BSP) | (apicBase & BASE_BSP);
        if (to == ApicMode.DISABLED && from != ApicMode.DISABLED) {
            // "prior initialization to the APIC may be lost and the APIC may return to the state
            // described in 10.4.7.1" (10.4.3): uhv always does, as the x2APIC rules require (10.12.5.1).
            resetRegisters();
        }
        if (from != to) {
            log.debug("local APIC: {} -> {}", from, to);
        }
    }

    // ---- the registers -------------------------------------------------------------------------

    /** Register r's 32-bit value (word of the ISR, TMR or IRR) in the current mode. */
    private int value(ApicRegister r, int word) {
        return switch (r) {
            case ID -> mode() == ApicMode.X2APIC ? ID : ID << 24;
            case VERSION -> VERSION;
            case PPR -> processorPriority();
            case LDR -> mode() == ApicMode.X2APIC ? logicalX2apicId() : held[r.slot];
            case ISR -> isr.word(word);
            case TMR -> tmr.word(word);
            case IRR -> irr.word(word);
            case ESR -> esr;
            case TIMER_INITIAL -> timer.initialCount();
            case TIMER_CURRENT -> timer.currentCount((held[ApicRegister.LVT_TIMER.slot] & Lvt.PERIODIC) != 0);
            case TIMER_DIVIDE -> timer.divide();
            // APR and RRD are not implemented on Pentium 4 and later: read 0 (Table 10-1, as QEMU).
            case APR, RRD, EOI, SELF_IPI -> 0;
            default -> held[r.slot];
        };
    }

    /** A write of a writable register, its reserved bits already refused (x2APIC) or to drop (xAPIC). */
    private void store(ApicRegister r, int value) {
        int bits = value & r.writable;
        switch (r) {
            case EOI -> endOfInterrupt();
            case ESR -> {
                esr = pendingErrors;
                pendingErrors = 0;
            }
            case DFR -> held[r.slot] = bits | ~r.writable;
            case SPIV -> {
                held[r.slot] = bits;
                if (!softwareEnabled()) {
                    for (ApicRegister lvt : LVTS) {
                        held[lvt.slot] |= Lvt.MASK;
                    }
                }
            }
            case ICR_LOW -> {
                held[r.slot] = bits;
                sendIpi(bits);
            }
            case TIMER_INITIAL -> timer.load(bits);
            case TIMER_DIVIDE -> timer.setDivide(bits);
            case SELF_IPI -> receiveFixed(bits);
            // The mask bits stick while the APIC is software disabled (10.4.7.2).
            default -> held[r.slot] = r.isLvt() && !softwareEnabled() ? bits | Lvt.MASK : bits;
        }
    }

    private boolean softwareEnabled() {
        return (held[ApicRegister.SPIV.slot] & SPIV_ENABLE) != 0;
    }

    /** PPR: the TPR, or the in-service vector's class where that is higher (10.8.3.1). */
    private int processorPriority() {
        int tpr = held[ApicRegister.TPR.slot];
        int isrv = Math.max(isr.highest(), 0);
        return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
    }

    /** The x2APIC logical ID: cluster ID 31:16, one bit of 16 for the ID's low 4 bits (10.12.10.2). */
    private static int logicalX2apicId() {
        return (ID >>> 4) << 16 | 1 << (ID & 0xf);
    }

    /** EOI: the highest in-service vector is done (10.8.5). Nothing is in service until delivery exists. */
    private void endOfInterrupt() {
        int vector = isr.highest();
        if (vector >= 0) {
            isr.clear(vector);
        }
    }

    /** An ICR write: the IPI completes at once; a fixed one that addresses this APIC lands in the IRR. */
    private void sendIpi(int low) {
        int vector = low & 0xff;
        int deliveryMode = (low >>> 8) & 7;
        int shorthand = (low >>> ICR_SHORTHAND_SHIFT) & 3;
        boolean toSelf = shorthand == SHORTHAND_SELF || shorthand == SHORTHAND_ALL
                || (shorthand == SHORTHAND_NONE && addressed(held[ApicRegister.ICR_HIGH.slot], (low & ICR_LOGICAL) != 0));
        if (deliveryMode == DELIVERY_FIXED && toSelf) {
            receiveFixed(vector);
        } else if (deliveryMode == DELIVERY_FIXED && vector < FIRST_LEGAL_VECTOR) {
            pendingErrors |= ESR_SEND_ILLEGAL_VECTOR;
        } else if (log.isDebugEnabled()) {
            log.debug("IPI ICR 0x{}:{} goes to no CPU here; it completes at once",
                    Integer.toHexString(held[ApicRegister.ICR_HIGH.slot]), Integer.toHexString(low));
        }
    }

    /**
     * Whether an IPI with no shorthand addresses this APIC (10.6.2): physical mode by APIC ID, logical
     * mode against the LDR (flat or cluster model per the DFR in xAPIC mode, 10.6.2.2; cluster and
     * bit in x2APIC mode, 10.12.10.1), and the broadcast destination always.
     */
    private boolean addressed(int icrHigh, boolean logical) {
        if (mode() == ApicMode.X2APIC) {
            int logicalId = logicalX2apicId();
            return icrHigh == -1 || (logical
                    ? icrHigh >>> 16 == logicalId >>> 16 && (icrHigh & logicalId & 0xffff) != 0
                    : icrHigh == ID);
        }
        int destination = icrHigh >>> 24;
        if (destination == 0xff) {
            return true;
        }
        if (!logical) {
            return destination == ID;
        }
        int logicalId = held[ApicRegister.LDR.slot] >>> 24;
        boolean flat = held[ApicRegister.DFR.slot] >>> 28 == 0xf;
        return flat ? (destination & logicalId) != 0
                : destination >>> 4 == logicalId >>> 4 && (destination & logicalId & 0xf) != 0;
    }

    /**
     * A fixed interrupt sent to this APIC: recorded in the IRR, where delivery (a later issue) will
     * find it. An illegal vector sets ESR's send-illegal-vector error instead (10.5.3); a software
     * disabled APIC takes none (10.4.7.2, as KVM).
     */
    private void receiveFixed(int vector) {
        if (vector < FIRST_LEGAL_VECTOR) {
            pendingErrors |= ESR_SEND_ILLEGAL_VECTOR;
        } else if (softwareEnabled()) {
            irr.set(vector);
            if (log.isDebugEnabled()) {
                log.debug("self IPI, vector 0x{}: pending in the IRR (interrupt delivery is not modelled yet)",
                        Integer.toHexString(vector));
            }
        }
    }

    /** Power-up values (10.4.7.1), the ID aside (fixed): LVTs masked, SPIV 0xFF, DFR all ones, the rest 0. */
    private void resetRegisters() {
        Arrays.fill(held, 0);
        held[ApicRegister.SPIV.slot] = SPIV_RESET;
        held[ApicRegister.DFR.slot] = -1;
        for (ApicRegister lvt : LVTS) {
            held[lvt.slot] = Lvt.MASK;
        }
        isr.clearAll();
        tmr.clearAll();
        irr.clearAll();
        esr = 0;
        pendingErrors = 0;
        timer.reset();
    }
}
