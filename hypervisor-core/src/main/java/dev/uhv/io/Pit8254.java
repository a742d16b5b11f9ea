package dev.uhv.io;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The PC's 8254 programmable interval timer at ports 0x40-0x43 (Intel 8254 datasheet, order no.
 * 231164), clocked at 1.193182 MHz. Nothing ticks: each counter's count and OUT are computed from the
 * injected monotonic clock when the guest looks. Counters 0 and 1 have their gates tied high, as on a
 * PC; counter 2's gate is port 0x61 bit 0 ({@link SystemControlPortB}). No interrupt is raised yet:
 * counter 0's OUT is IRQ 0, and interrupt delivery is a later issue.
 *
 * <p>Every register is 8 bits wide; a wider access uses its low byte. Reading the control word
 * register (0x43) returns 0xff: the 8254 leaves the bus floating there (QEMU returns 0).
 */
public final class Pit8254 implements PortDevice {
    public static final int BASE = 0x40;
    public static final int PORT_COUNT = 4;
    /** The PIT's input clock: a third of the original PC's 3.579545 MHz NTSC colour-burst crystal. */
    public static final long FREQUENCY_HZ = 1_193_182;

    static final int CONTROL_OFFSET = 3;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int SELECT_READ_BACK = 3;
    private static final int READ_BACK_NO_COUNT = 0x20, READ_BACK_NO_STATUS = 0x10;

    private final LongSupplier clock;
    private final PitCounter[] counters = new PitCounter[3];

    /** @param clock monotonic host nanoseconds */
    public Pit8254(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        long now = clock.getAsLong();
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new PitCounter(i != 2, now);
        }
    }

    /** Whole PIT clock periods in nanos nanoseconds (>= 0), without overflow for any long. */
    public static long ticks(long nanos) {
        return nanos / NANOS_PER_SECOND * FREQUENCY_HZ + nanos % NANOS_PER_SECOND * FREQUENCY_HZ / NANOS_PER_SECOND;
    }

    @Override
    public int read(int offset, int size) {
        if (offset >= CONTROL_OFFSET) {
            return 0xff;
        }
        return counters[offset].read(clock.getAsLong());
    }

    @Override
    public void write(int offset, int size, int value) {
        int b = value & 0xff;
        long now = clock.getAsLong();
        if (offset < CONTROL_OFFSET) {
            counters[offset].write(b, now);
        } else if (offset == CONTROL_OFFSET) {
            control(b, now);
        }
    }

    /** Sets a counter's gate input (only counter 2's is wired to anything on a PC). */
    public void setGate(int counter, boolean high) {
        counters[counter].setGate(high, clock.getAsLong());
    }

    public boolean gate(int counter) {
        return counters[counter].gate();
    }

    /** A counter's OUT pin now. */
    public boolean out(int counter) {
        return counters[counter].out(clock.getAsLong());
    }

    @Override
    public String name() {
        return "pit8254";
    }

    private void control(int b, long now) {
        int select = b >> 6;
        if (select == SELECT_READ_BACK) {
            readBack(b, now);
            return;
        }
        PitCounter counter = counters[select];
        if (((b >> 4) & 3) == PitCounter.ACCESS_LATCH) {
            counter.latchCount(now);
        } else {
            counter.program(b, now);
        }
    }

    /** Read-back command (datasheet, "Read-Back Command"): bits 3-1 select counters 2-0; bits 5, 4 low latch. */
    private void readBack(int b, long now) {
        for (int i = 0; i < counters.length; i++) {
            if ((b & (2 << i)) == 0) {
                continue;
            }
            if ((b & READ_BACK_NO_COUNT) == 0) {
                counters[i].latchCount(now);
            }
            if ((b & READ_BACK_NO_STATUS) == 0) {
                counters[i].latchStatus(now);
            }
        }
    }
}
