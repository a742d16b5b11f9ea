package dev.uhv.io.apic;

import java.util.function.LongSupplier;

/**
 * The local APIC timer's count (SDM Vol. 3A, 10.5.4): a write of the initial count starts it, and
 * the current count falls from there at the bus clock divided by the divide configuration. The bus
 * clock is 1 GHz (one tick per host nanosecond), as QEMU and KVM model it. A one-shot count stops
 * at 0; a periodic one starts again from the initial count. Reaching 0 raises nothing yet: timer
 * interrupts come with interrupt delivery. A changed divide applies to the whole count since the
 * last load, as in QEMU.
 */
final class ApicTimer {
    private final LongSupplier nanoClock;
    private int initial;
    private int divide;
    private long loadedAt;

    ApicTimer(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Writes the initial count register: 0 stops the timer. */
    void load(int count) {
        initial = count;
        loadedAt = nanoClock.getAsLong();
    }

    int initialCount() {
        return initial;
    }

    /** The divide configuration register's bits 3 and 1:0. */
    void setDivide(int value) {
        divide = value & 0xb;
    }

    int divide() {
        return divide;
    }

    /** The current count register. */
    int currentCount(boolean periodic) {
        long start = Integer.toUnsignedLong(initial);
        if (start == 0) {
            return 0;
        }
        long ticks = (nanoClock.getAsLong() - loadedAt) >>> shift();
        if (periodic) {
            return (int) (start - ticks % start);
        }
        return ticks >= start ? 0 : (int) (start - ticks);
    }

    /** log2 of the divisor: divide values 0-3 and 8-0xA divide by 2 to 16 and 32 to 128, 0xB by 1. */
    private int shift() {
        int code = (divide & 3) | ((divide >>> 1) & 4);
        return (code + 1) & 7;
    }

    void reset() {
        initial = 0;
        divide = 0;
    }
}
