package dev.uhv.io;

import java.io.OutputStream;
import java.util.Objects;

/**
 * A 16550A UART (register names and bits from the TI PC16550D datasheet) that transmits instantly:
 * the transmitter is always empty, so a polling driver never waits, and every byte written to THR
 * goes straight to the host stream, untranslated. Input arrives through {@link #receive(byte[])}
 * into a bounded receive FIFO. The device knows nothing of the VMM, in the manner of rust-vmm's
 * vm-superio: interrupts leave through an {@link IrqLine}, output through any OutputStream.
 *
 * <p>Every register is 8 bits wide. A 2- or 4-byte access acts on the register at its offset with
 * the low byte and reads back zero-extended (QEMU would split it into byte accesses; no driver
 * issues them). {@link #read}, {@link #write} and {@link #receive} may be called from different
 * threads.
 */
public final class Uart16550 implements PortDevice {
    /** COM1's I/O base on a PC; the UART occupies eight ports from here. */
    public static final int COM1_BASE = 0x3F8;
    /** Number of ports the UART decodes. */
    public static final int PORT_COUNT = 8;
    /**
     * Receive FIFO depth. A real 16550A holds 16 bytes; 64 (vm-superio's choice, and a 16750's)
     * absorbs a pasted line while still bounding what a host producer can queue.
     */
    public static final int RX_FIFO_SIZE = 64;

    static final int RBR_OFFSET = 0; // read; THR on write; DLL when LCR.DLAB
    static final int THR_OFFSET = 0;
    static final int IER_OFFSET = 1; // DLM when LCR.DLAB
    static final int IIR_OFFSET = 2; // read; FCR on write
    static final int FCR_OFFSET = 2;
    static final int LCR_OFFSET = 3;
    static final int MCR_OFFSET = 4;
    static final int LSR_OFFSET = 5;
    static final int MSR_OFFSET = 6;
    static final int SCR_OFFSET = 7;

    static final int IER_RDI = 0x01; // received data available
    static final int IER_THRI = 0x02; // transmitter holding register empty
    static final int IER_VALID = 0x0f;

    static final int IIR_NO_INTERRUPT = 0x01;
    static final int IIR_THR_EMPTY = 0x02;
    static final int IIR_RX_DATA = 0x04;
    static final int IIR_FIFO_ENABLED = 0xc0;

    static final int FCR_FIFO_ENABLE = 0x01;
    static final int FCR_RX_FIFO_RESET = 0x02;

    static final int LCR_DLAB = 0x80;

    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;
    static final int MCR_VALID = 0x1f;

    static final int LSR_DATA_READY = 0x01;
    static final int LSR_THR_EMPTY = 0x20;
    static final int LSR_TRANSMITTER_EMPTY = 0x40;

    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;
    /** Outside loopback the line looks like a connected null-modem cable, as in vm-superio. */
    static final int MSR_CONNECTED = MSR_DCD | MSR_DSR | MSR_CTS;

    /** 9600 baud from the usual 1.8432 MHz clock; only stored, since nothing is clocked. */
    static final int DEFAULT_DIVISOR = 12;

    private final IrqLine irq;
    private final ConsoleOutput out;

    private final byte[] rxFifo = new byte[RX_FIFO_SIZE];
    private int rxHead;
    private int rxCount;

    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int divisor = DEFAULT_DIVISOR;
    private boolean fifoEnabled;

    public Uart16550(IrqLine irq, OutputStream out) {
        this.irq = Objects.requireNonNull(irq, "irq");
        this.out = new ConsoleOutput(name(), out);
    }

    @Override
    public synchronized int read(int offset, int size) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (offset) {
            case RBR_OFFSET -> dlab ? divisor & 0xff : popRx();
            case IER_OFFSET -> dlab ? divisor >>> 8 : ier;
            case IIR_OFFSET -> iir();
            case LCR_OFFSET -> lcr;
            case MCR_OFFSET -> mcr;
            case LSR_OFFSET -> lsr();
            case MSR_OFFSET -> msr();
            case SCR_OFFSET -> scr;
            default -> 0xff; // not decoded: nothing drives the data lines
        };
    }

    @Override
    public synchronized void write(int offset, int size, int value) {
        int v = value & 0xff;
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case THR_OFFSET -> {
                if (dlab) {
                    divisor = (divisor & 0xff00) | v;
                } else {
                    transmit(v);
                }
            }
            case IER_OFFSET -> {
                if (dlab) {
                    divisor = (divisor & 0x00ff) | (v << 8);
                } else {
                    writeIer(v & IER_VALID);
                }
            }
            case FCR_OFFSET -> writeFcr(v);
            case LCR_OFFSET -> lcr = v;
            case MCR_OFFSET -> mcr = v & MCR_VALID;
            case SCR_OFFSET -> scr = v;
            default -> { } // LSR and MSR are read-only (writes are factory test modes); others not decoded
        }
    }

    /**
     * Queues host input for the guest to read from RBR. Bytes beyond the free space of the receive
     * FIFO are dropped, as a real UART overruns; the caller may retry with the rest.
     *
     * @return how many leading bytes of data were accepted
     */
    public synchronized int receive(byte[] data) {
        int accepted = 0;
        for (byte b : data) {
            if (!pushRx(b)) {
                break;
            }
            accepted++;
        }
        if (accepted > 0) {
            raiseRxInterrupt();
        }
        return accepted;
    }

    /** Pushes any buffered output to the host stream. */
    public synchronized void flush() {
        out.flush();
    }

    @Override
    public String name() {
        return "uart16550";
    }

    private void transmit(int v) {
        if ((mcr & MCR_LOOP) != 0) {
            // Loopback (PC16550D, MCR bit 4): the transmitter feeds the receiver, nothing leaves the
            // chip. Linux's 8250 probe relies on this.
            if (pushRx((byte) v)) {
                raiseRxInterrupt();
            }
            return;
        }
        out.put(v);
        // The byte left at once, so THR is empty again: that is a new THRE interrupt.
        if ((ier & IER_THRI) != 0) {
            irq.trigger();
        }
    }

    private void writeIer(int newIer) {
        int enabled = newIer & ~ier;
        ier = newIer;
        // THR is always empty, so enabling THRI interrupts at once, as on real hardware.
        if ((enabled & IER_THRI) != 0 || ((enabled & IER_RDI) != 0 && rxCount > 0)) {
            irq.trigger();
        }
    }

    private void writeFcr(int v) {
        fifoEnabled = (v & FCR_FIFO_ENABLE) != 0;
        if ((v & FCR_RX_FIFO_RESET) != 0) {
            rxHead = 0;
            rxCount = 0;
        }
    }

    /** Highest-priority pending interrupt: received data, then THR empty (PC16550D Table IV). */
    private int iir() {
        int id;
        if ((ier & IER_RDI) != 0 && rxCount > 0) {
            id = IIR_RX_DATA;
        } else if ((ier & IER_THRI) != 0) {
            id = IIR_THR_EMPTY;
        } else {
            id = IIR_NO_INTERRUPT;
        }
        return fifoEnabled ? id | IIR_FIFO_ENABLED : id;
    }

    private int lsr() {
        int lsr = LSR_THR_EMPTY | LSR_TRANSMITTER_EMPTY;
        return rxCount > 0 ? lsr | LSR_DATA_READY : lsr;
    }

    private int msr() {
        if ((mcr & MCR_LOOP) == 0) {
            return MSR_CONNECTED;
        }
        // Loopback wires the modem control outputs to the status inputs (PC16550D, MCR bit 4).
        int msr = 0;
        if ((mcr & MCR_RTS) != 0) {
            msr |= MSR_CTS;
        }
        if ((mcr & MCR_DTR) != 0) {
            msr |= MSR_DSR;
        }
        if ((mcr & MCR_OUT1) != 0) {
            msr |= MSR_RI;
        }
        if ((mcr & MCR_OUT2) != 0) {
            msr |= MSR_DCD;
        }
        return msr;
    }

    private void raiseRxInterrupt() {
        if ((ier & IER_RDI) != 0) {
            irq.trigger();
        }
    }

    private boolean pushRx(byte b) {
        if (rxCount == RX_FIFO_SIZE) {
            return false;
        }
        rxFifo[(rxHead + rxCount) % RX_FIFO_SIZE] = b;
        rxCount++;
        return true;
    }

    /** Next received byte, or 0 when the FIFO is empty. */
    private int popRx() {
        if (rxCount == 0) {
            return 0;
        }
        int b = rxFifo[rxHead] & 0xff;
        rxHead = (rxHead + 1) % RX_FIFO_SIZE;
        rxCount--;
        return b;
    }
}
