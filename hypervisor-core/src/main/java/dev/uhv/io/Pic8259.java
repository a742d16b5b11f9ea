package dev.uhv.io;

import java.util.Objects;

/**
 * One 8259A programmable interrupt controller (Intel 8259A datasheet, order no. 231468); a PC has a
 * master at 0x20 and a slave at 0xA0 whose INT output is the master's IR2. Modelled: the ICW1-ICW4
 * initialisation sequence (ICW3 only when ICW1 announces cascade mode, ICW4 only when ICW1 asks for
 * it), the vector base, the mask register (OCW1), non-specific, specific and rotating EOIs and set
 * priority (OCW2), the IRR/ISR read select, poll command and special mask flag (OCW3), and the
 * request, in-service and priority logic behind them, after QEMU's hw/intc/i8259.c.
 *
 * <p>The CPU side is not modelled yet: nothing acknowledges an interrupt except a poll command, and
 * the master's INT output goes nowhere (interrupt delivery is a later issue). Requests come in as
 * edges through {@link #irqLine(int)}; level-triggered lines (the ELCR) are not modelled. Special
 * mask mode, special fully nested mode, buffered and 8086 modes are accepted and stored.
 *
 * <p>Before any ICW1 the chip is in QEMU's reset state: ready for OCW1 with every IRQ unmasked and
 * vector base 0; a real 8259A is undefined until initialised.
 */
public final class Pic8259 implements PortDevice {
    public static final int MASTER_BASE = 0x20;
    public static final int SLAVE_BASE = 0xA0;
    public static final int PORT_COUNT = 2;
    /** The master's input that the slave's INT output drives. */
    public static final int CASCADE_IRQ = 2;

    static final int ICW1 = 0x10, ICW1_IC4 = 0x01, ICW1_SINGLE = 0x02;
    static final int OCW3 = 0x08, OCW3_POLL = 0x04, OCW3_RR = 0x02, OCW3_RIS = 0x01, OCW3_ESMM = 0x40,
            OCW3_SMM = 0x20;
    static final int ICW4_AEOI = 0x02;
    static final int POLL_INTERRUPT = 0x80;

    /** What the next write to the odd port is: OCW1 in operation, else the ICW it completes. */
    private enum Expect { OCW1, ICW2, ICW3, ICW4 }

    private final String name;
    private final IrqLine output;

    private int irr;
    private int isr;
    private int imr;
    private int vectorBase;
    /** The IRQ with the highest priority; rotation moves it (QEMU's priority_add). */
    private int highestPriority;
    private Expect expect = Expect.OCW1;
    private boolean icw4Needed;
    private boolean singleMode;
    private int icw4;
    private boolean readIsr;
    private boolean poll;
    private boolean specialMask;
    private boolean rotateOnAutoEoi;

    /**
     * @param name   "pic-master" or "pic-slave", for logs
     * @param output the INT pin: the master's IR2 for the slave; {@link IrqLine#NONE} for the master
     */
    public Pic8259(String name, IrqLine output) {
        this.name = Objects.requireNonNull(name, "name");
        this.output = Objects.requireNonNull(output, "output");
    }

    /** An edge on input irq (0-7): the request is latched in the IRR, masked or not. */
    public IrqLine irqLine(int irq) {
        int bit = 1 << Objects.checkIndex(irq, 8);
        return () -> {
            irr |= bit;
            if (pendingIrq() >= 0) {
                output.trigger();
            }
        };
    }

    /** The vector the guest gave IRQ 0 in ICW2 (its low three bits are 0). */
    public int vectorBase() {
        return vectorBase;
    }

    @Override
    public int read(int offset, int size) {
        if (poll) {
            poll = false; // the poll command applies to the next read of either port
            return pollRead();
        }
        if (offset == 0) {
            return readIsr ? isr : irr;
        }
        return imr;
    }

    @Override
    public void write(int offset, int size, int value) {
        int v = value & 0xff;
        if (offset == 0) {
            if ((v & ICW1) != 0) {
                icw1(v);
            } else if ((v & OCW3) != 0) {
                ocw3(v);
            } else {
                ocw2(v);
            }
            return;
        }
        switch (expect) {
            case OCW1 -> imr = v;
            case ICW2 -> {
                vectorBase = v & 0xf8;
                expect = !singleMode ? Expect.ICW3 : icw4Needed ? Expect.ICW4 : Expect.OCW1;
            }
            case ICW3 -> { // the cascade wiring of a PC is fixed: the slave's INT is the master's IR2
                expect = icw4Needed ? Expect.ICW4 : Expect.OCW1;
            }
            case ICW4 -> {
                icw4 = v;
                expect = Expect.OCW1;
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * ICW1 (datasheet, "Initialization Command Words"): edge sense reset, IMR cleared, IR7 lowest
     * priority, special mask mode off, status read set to IRR, ICW4 functions cleared.
     */
    private void icw1(int v) {
        irr = 0; // every request is an edge, and ICW1 resets the edge sense latches
        isr = 0;
        imr = 0;
        highestPriority = 0;
        readIsr = false;
        poll = false;
        specialMask = false;
        rotateOnAutoEoi = false;
        icw4 = 0;
        icw4Needed = (v & ICW1_IC4) != 0;
        singleMode = (v & ICW1_SINGLE) != 0;
        expect = Expect.ICW2;
    }

    /** OCW2: R, SL, EOI in bits 7-5, the IR level in bits 2-0. */
    private void ocw2(int v) {
        int level = v & 7;
        switch (v >> 5) {
            case 0 -> rotateOnAutoEoi = false;
            case 4 -> rotateOnAutoEoi = true;
            case 1, 5 -> { // non-specific EOI, and rotate on it
                int irq = highest(isr);
                if (irq >= 0) {
                    isr &= ~(1 << irq);
                    if (v >> 5 == 5) {
                        highestPriority = (irq + 1) & 7;
                    }
                }
            }
            case 3 -> isr &= ~(1 << level); // specific EOI
            case 7 -> { // rotate on specific EOI
                isr &= ~(1 << level);
                highestPriority = (level + 1) & 7;
            }
            case 6 -> highestPriority = (level + 1) & 7; // set priority: level becomes the lowest
            default -> { } // 2: no operation
        }
    }

    private void ocw3(int v) {
        if ((v & OCW3_POLL) != 0) {
            poll = true;
        }
        if ((v & OCW3_RR) != 0) {
            readIsr = (v & OCW3_RIS) != 0;
        }
        if ((v & OCW3_ESMM) != 0) {
            specialMask = (v & OCW3_SMM) != 0;
        }
    }

    /** Poll command: acknowledges the highest pending request, as an INTA would, and reports it. */
    private int pollRead() {
        int irq = pendingIrq();
        if (irq < 0) {
            return 0;
        }
        irr &= ~(1 << irq);
        if ((icw4 & ICW4_AEOI) == 0) {
            isr |= 1 << irq;
        } else if (rotateOnAutoEoi) {
            highestPriority = (irq + 1) & 7;
        }
        return POLL_INTERRUPT | irq;
    }

    /** The unmasked request that would interrupt now, or -1: it must outrank everything in service. */
    private int pendingIrq() {
        int request = highest(irr & ~imr);
        if (request < 0) {
            return -1;
        }
        // Special mask mode lets a lower level interrupt one in service unless that level is masked.
        int inService = highest(specialMask ? isr & ~imr : isr);
        return inService < 0 || rank(request) < rank(inService) ? request : -1;
    }

    /** The IRQ of bits with the highest priority under the current rotation, or -1. */
    private int highest(int bits) {
        for (int rank = 0; rank < 8; rank++) {
            int irq = (rank + highestPriority) & 7;
            if ((bits & (1 << irq)) != 0) {
                return irq;
            }
        }
        return -1;
    }

    private int rank(int irq) {
        return (irq - highestPriority) & 7;
    }
}
