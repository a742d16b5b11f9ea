package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SystemControlPortBTest {
    private static final int GATE2 = 0x01, SPEAKER = 0x02, REFRESH = 0x10, OUT2 = 0x20;

    private FakeClock clock;
    private Pit8254 pit;
    private SystemControlPortB port;

    @BeforeEach
    void setUp() {
        clock = new FakeClock(0);
        pit = new Pit8254(clock::monotonicNanos);
        port = new SystemControlPortB(pit, clock::monotonicNanos);
    }

    private int read() {
        return port.read(0, 1) & ~REFRESH;
    }

    /** Linux's pit_calibrate_tsc: gate high, speaker off, counter 2 mode 0, poll bit 5. */
    @Test
    void tscCalibrationLoopSeesOut2RiseAfterTheCount() {
        port.write(0, 1, (port.read(0, 1) & ~SPEAKER) | GATE2);
        pit.write(3, 1, 0xb0);
        int latch = 11932; // 10 ms
        pit.write(2, 1, latch & 0xff);
        pit.write(2, 1, latch >> 8);
        int polls = 0;
        while ((port.read(0, 1) & OUT2) == 0) {
            clock.advance(1_000); // each poll takes a microsecond
            polls++;
        }
        assertEquals(10_000, polls, 1, "OUT2 rose after 10 ms");
    }

    @Test
    void bit0IsCounter2sGateAndReadsBack() {
        assertEquals(OUT2, read(), "gate low at reset; a low gate holds OUT high in mode 3");
        assertFalse(pit.gate(2));
        port.write(0, 1, GATE2 | SPEAKER | 0x0c);
        assertTrue(pit.gate(2));
        assertEquals(GATE2 | SPEAKER | 0x0c, read() & 0x0f);
        port.write(0, 1, 0);
        assertFalse(pit.gate(2));
    }

    @Test
    void readOnlyBitsIgnoreWritesAndNmiSourcesReadZero() {
        port.write(0, 1, 0xf0);
        assertEquals(0, port.read(0, 1) & 0xc0);
        assertEquals(0, port.read(0, 1) & 0x0f);
    }

    @Test
    void refreshBitTogglesEvery18PitClocks() {
        int first = port.read(0, 1) & REFRESH;
        clock.advancePitTicks(18);
        int second = port.read(0, 1) & REFRESH;
        clock.advancePitTicks(18);
        assertNotEquals(first, second);
        assertEquals(first, port.read(0, 1) & REFRESH);
    }

    @Test
    void bit5IsCounter2sOut() {
        pit.write(3, 1, 0xb4); // counter 2, mode 2: OUT high while the gate is low
        pit.write(2, 1, 10);
        pit.write(2, 1, 0);
        assertEquals(OUT2, read() & OUT2);
        port.write(0, 1, GATE2);
        clock.advancePitTicks(9);
        assertEquals(0, read() & OUT2, "low for the last clock of the period");
    }
}
