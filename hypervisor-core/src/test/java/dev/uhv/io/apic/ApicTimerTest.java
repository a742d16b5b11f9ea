package dev.uhv.io.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The timer's count against a clock the test moves (SDM Vol. 3A, 10.5.4, Figure 10-10). */
class ApicTimerTest {
    private long now = 1_000_000;
    private final ApicTimer timer = new ApicTimer(() -> now);

    @ParameterizedTest
    @CsvSource({"0x0, 2", "0x1, 4", "0x2, 8", "0x3, 16", "0x8, 32", "0x9, 64", "0xa, 128", "0xb, 1"})
    void theDivideConfigurationSlowsTheCount(String divide, int divisor) {
        timer.setDivide(Integer.decode(divide));
        timer.load(100_000);

        now += 1280;

        assertEquals(100_000 - 1280 / divisor, timer.currentCount(false));
    }

    @Test
    void aOneShotCountStopsAtZero() {
        timer.setDivide(0xb);
        timer.load(1000);

        now += 999;
        assertEquals(1, timer.currentCount(false));
        now += 5000;
        assertEquals(0, timer.currentCount(false));
    }

    @Test
    void aPeriodicCountStartsAgain() {
        timer.setDivide(0xb);
        timer.load(1000);

        now += 2300;

        assertEquals(700, timer.currentCount(true));
    }

    @Test
    void anInitialCountOfZeroStopsTheTimer() {
        timer.load(1000);
        timer.load(0);

        now += 10;

        assertEquals(0, timer.currentCount(true));
    }

    @Test
    void countsAreUnsigned32Bit() {
        timer.setDivide(0xb);
        timer.load(0xffff_fff0);

        now += 0x10;

        assertEquals(0xffff_ffe0, timer.currentCount(false));
    }
}
