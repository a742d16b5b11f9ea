package dev.uhv.io;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * System control port B at 0x61 (the AT's 8255 port B, kept by every PC chipset): bit 0 is the gate
 * of PIT counter 2, bit 1 the speaker data enable, bits 2-3 the parity and channel check enables
 * (stored); reads add bit 4, the DRAM refresh toggle, and bit 5, counter 2's OUT. Bits 6-7 (NMI
 * sources) read 0: nothing here raises an NMI. The speaker makes no sound.
 *
 * <p>Bit 5 makes the classic TSC calibration work: program counter 2 in mode 0, raise its gate here,
 * poll bit 5 until the count has run out.
 */
public final class SystemControlPortB implements PortDevice {
    public static final int PORT = 0x61;

    static final int GATE2 = 0x01, WRITABLE = 0x0f, REFRESH = 0x10, OUT2 = 0x20;
    /**
     * PIT clocks per refresh toggle: the BIOS programs counter 1 with 18, a refresh request every
     * 15.085 us, and bit 4 flips with each request.
     */
    static final long REFRESH_TICKS = 18;

    private final Pit8254 pit;
    private final LongSupplier clock;
    private final long origin;
    private int bits;

    /** @param clock the PIT's monotonic host nanoseconds */
    public SystemControlPortB(Pit8254 pit, LongSupplier clock) {
        this.pit = Objects.requireNonNull(pit, "pit");
        this.clock = Objects.requireNonNull(clock, "clock");
        origin = clock.getAsLong();
        bits = pit.gate(2) ? GATE2 : 0;
    }

    @Override
    public int read(int offset, int size) {
        int value = bits;
        if ((Pit8254.ticks(clock.getAsLong() - origin) / REFRESH_TICKS & 1) != 0) {
            value |= REFRESH;
        }
        if (pit.out(2)) {
            value |= OUT2;
        }
        return value;
    }

    @Override
    public void write(int offset, int size, int value) {
        bits = value & WRITABLE;
        pit.setGate(2, (bits & GATE2) != 0);
    }

    @Override
    public String name() {
        return "port-61";
    }
}
