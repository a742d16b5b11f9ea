package dev.uhv.io;

/**
 * One counter of an 8254 (Intel 8254 datasheet, order no. 231164): its programming, latches and
 * flip-flops, and its count and OUT computed from how long it has been counting rather than by
 * ticking. Times are host monotonic nanoseconds, passed in by {@link Pit8254}.
 *
 * <p>Where this differs from the datasheet: a new count takes effect at once in every mode (modes 2
 * and 3 would finish the current period first), counting starts at the write instead of the next
 * CLK edge, and mode 3 with an odd count follows QEMU's formula (N - 2d mod N) rather than the
 * chip's N-1 reload of the high half.
 */
final class PitCounter {
    static final int ACCESS_LATCH = 0, ACCESS_LOW = 1, ACCESS_HIGH = 2, ACCESS_LOW_HIGH = 3;

    private static final int STATUS_OUT = 0x80, STATUS_NULL_COUNT = 0x40;

    /** The programmed mode bits, 0-7, as the status byte reports them. */
    private int modeBits;
    /** The mode that behaves: 6 and 7 are 2 and 3 (datasheet, "Control Word Format"). */
    private int mode;
    private int access;
    private boolean bcd;

    /** The count register as written, binary, before the 0 = maximum rule. */
    private int countRegister;
    /** The count the counting element was loaded with: 1 .. modulus. */
    private int initial;
    private boolean writeMsbNext;
    private boolean readMsbNext;

    private int latchedCount;
    /** Bytes of latchedCount still to be read: 0 when no count is latched. */
    private int latchedBytes;
    private boolean latchedMsbNext;
    private int latchedStatus = -1;

    private boolean nullCount = true;
    /** A count has been written since the control word (modes 1 and 5 wait for their trigger). */
    private boolean countWritten;
    /** The counting element holds a count and counts (when the gate lets it). */
    private boolean loaded;
    /** What a read returns while nothing is loaded: the value counting stopped at. */
    private int heldValue;
    private boolean gate;

    /** Counting time before the current stretch, and the start of that stretch (while enabled). */
    private long countedNanos;
    private long since;

    /**
     * The state QEMU gives a counter at reset (hw/timer/i8254_common.c): mode 3, binary, count
     * 65536, counting since now, read and written lobyte then hibyte.
     */
    PitCounter(boolean gate, long now) {
        this.gate = gate;
        modeBits = 3;
        mode = 3;
        access = ACCESS_LOW_HIGH;
        initial = 0x1_0000;
        countWritten = true;
        loaded = true;
        nullCount = false;
        since = now;
    }

    /** A control word for this counter with RW bits != 00: mode, access and BCD; the count is lost. */
    void program(int controlWord, long now) {
        heldValue = value(now);
        access = (controlWord >> 4) & 3;
        modeBits = (controlWord >> 1) & 7;
        mode = modeBits > 5 ? modeBits & 3 : modeBits;
        bcd = (controlWord & 1) != 0;
        writeMsbNext = false;
        readMsbNext = false;
        latchedBytes = 0;
        latchedStatus = -1;
        nullCount = true;
        countWritten = false;
        loaded = false;
    }

    /** Counter latch command (control word with RW = 00); ignored while a latched count is unread. */
    void latchCount(long now) {
        if (latchedBytes > 0) {
            return;
        }
        latchedCount = encode(value(now));
        latchedBytes = access == ACCESS_LOW_HIGH ? 2 : 1;
        latchedMsbNext = access == ACCESS_HIGH;
    }

    /** Read-back command's status latch; ignored while a latched status is unread. */
    void latchStatus(long now) {
        if (latchedStatus >= 0) {
            return;
        }
        latchedStatus = (out(now) ? STATUS_OUT : 0) | (nullCount ? STATUS_NULL_COUNT : 0) | access << 4
                | modeBits << 1 | (bcd ? 1 : 0);
    }

    /** A byte read from the counter's port: a latched status first, then a latched count, else the count now. */
    int read(long now) {
        if (latchedStatus >= 0) {
            int status = latchedStatus;
            latchedStatus = -1;
            return status;
        }
        if (latchedBytes > 0) {
            latchedBytes--;
            boolean msb = latchedMsbNext;
            latchedMsbNext = !latchedMsbNext;
            return byteOf(latchedCount, msb);
        }
        int count = encode(value(now));
        return switch (access) {
            case ACCESS_LOW -> byteOf(count, false);
            case ACCESS_HIGH -> byteOf(count, true);
            default -> {
                boolean msb = readMsbNext;
                readMsbNext = !readMsbNext;
                yield byteOf(count, msb);
            }
        };
    }

    /** A byte written to the counter's port: part or all of a new count. */
    void write(int b, long now) {
        switch (access) {
            case ACCESS_LOW -> loadCount(b, now);
            case ACCESS_HIGH -> loadCount(b << 8, now);
            default -> {
                if (!writeMsbNext) {
                    countRegister = b;
                    writeMsbNext = true;
                    if (mode == 0) {
                        // Mode 0: writing the first byte disables counting and sets OUT low at once.
                        heldValue = value(now);
                        loaded = false;
                        nullCount = true;
                    }
                } else {
                    writeMsbNext = false;
                    loadCount(countRegister | b << 8, now);
                }
            }
        }
    }

    /** The gate input: level-sensitive in modes 0, 2, 3, 4; a rising edge (re)starts modes 1, 2, 3, 5. */
    void setGate(boolean high, long now) {
        if (high == gate) {
            return;
        }
        if (!high) {
            if (enabled()) {
                countedNanos += now - since;
            }
            gate = false;
            return;
        }
        gate = true;
        switch (mode) {
            case 0, 4 -> since = now; // counting resumes where it stopped
            case 2, 3 -> restart(now);
            default -> { // 1, 5: the trigger loads the counting element
                if (countWritten) {
                    loaded = true;
                    nullCount = false;
                    initial = countValue(countRegister);
                    restart(now);
                }
            }
        }
    }

    boolean gate() {
        return gate;
    }

    /** The OUT pin now. */
    boolean out(long now) {
        if (!loaded) {
            return mode != 0; // after a control word: low in mode 0, high in all others
        }
        if (!gate && (mode == 2 || mode == 3)) {
            return true; // datasheet: a low gate forces OUT high in modes 2 and 3
        }
        long d = elapsedTicks(now);
        return switch (mode) {
            case 0, 1 -> d >= initial; // high from terminal count on; mode 1 is low until then
            case 2 -> d % initial != initial - 1; // low for the one CLK at count 1
            case 3 -> d % initial < (initial + 1) / 2; // high for the first half, rounded up
            default -> d != initial; // 4, 5: one CLK low at terminal count
        };
    }

    /** The counting element now, binary, 0 .. modulus - 1. */
    private int value(long now) {
        if (!loaded) {
            return heldValue;
        }
        long d = elapsedTicks(now);
        int modulus = modulus();
        long value = switch (mode) {
            case 2 -> initial - d % initial;
            case 3 -> initial - (2 * d) % initial;
            default -> Math.floorMod(initial - d, modulus); // 0, 1, 4, 5 wrap and go on counting
        };
        return (int) (value % modulus);
    }

    private void loadCount(int count, long now) {
        countRegister = count;
        countWritten = true;
        if (mode == 1 || mode == 5) {
            return; // loaded at the next trigger; null count stays set until then
        }
        initial = countValue(count);
        loaded = true;
        nullCount = false;
        restart(now);
    }

    private void restart(long now) {
        countedNanos = 0;
        since = now;
    }

    /** Counting is stopped by a low gate in modes 0, 2, 3, 4; modes 1 and 5 only watch its edge. */
    private boolean enabled() {
        return loaded && (gate || mode == 1 || mode == 5);
    }

    private long elapsedTicks(long now) {
        return Pit8254.ticks(countedNanos + (enabled() ? now - since : 0));
    }

    private int modulus() {
        return bcd ? 10_000 : 0x1_0000;
    }

    /** A written count as a number of CLKs: BCD digits decoded, 0 the largest count. */
    private int countValue(int written) {
        int value = bcd ? fromBcd(written) : written;
        return value == 0 ? modulus() : value;
    }

    /** A binary count as the counter presents it: BCD digits in BCD mode. */
    private int encode(int value) {
        return bcd ? toBcd(value) : value;
    }

    private static int byteOf(int value, boolean msb) {
        return (msb ? value >>> 8 : value) & 0xff;
    }

    private static int fromBcd(int v) {
        return (v >> 12 & 0xf) * 1000 + (v >> 8 & 0xf) * 100 + (v >> 4 & 0xf) * 10 + (v & 0xf);
    }

    private static int toBcd(int v) {
        return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
    }
}
