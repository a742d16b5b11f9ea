package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The 8254 against its datasheet, on a clock the test moves. Control words are SC RW M BCD. */
class Pit8254Test {
    private static final int CONTROL = 3;
    /** Counter 0, lobyte/hibyte, the mode in bits 3-1. */
    private static final int COUNTER0_LOHI = 0x30;
    private static final int STATUS_OUT = 0x80, STATUS_NULL = 0x40;

    private FakeClock clock;
    private Pit8254 pit;

    @BeforeEach
    void setUp() {
        clock = new FakeClock(0);
        pit = new Pit8254(clock::monotonicNanos);
    }

    private void program(int controlWord, int count) {
        int counter = controlWord >> 6;
        pit.write(CONTROL, 1, controlWord);
        pit.write(counter, 1, count & 0xff);
        pit.write(counter, 1, count >> 8);
    }

    /** Counter latch command, then the two bytes. */
    private int latched(int counter) {
        pit.write(CONTROL, 1, counter << 6);
        return readWord(counter);
    }

    private int readWord(int counter) {
        int low = pit.read(counter, 1);
        return low | pit.read(counter, 1) << 8;
    }

    /** Read-back of counter's status only. */
    private int status(int counter) {
        pit.write(CONTROL, 1, 0xe0 | 2 << counter);
        return pit.read(counter, 1);
    }

    @Test
    void ticksCountTheInputClock() {
        assertEquals(1_193_182, Pit8254.ticks(1_000_000_000L));
        assertEquals(0, Pit8254.ticks(838));
        assertEquals(1, Pit8254.ticks(839)); // one clock is 838.1 ns
        long exact = BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.valueOf(Pit8254.FREQUENCY_HZ))
                .divide(BigInteger.valueOf(1_000_000_000L)).longValueExact();
        assertEquals(exact, Pit8254.ticks(Long.MAX_VALUE), "no overflow");
    }

    @Test
    void atResetEveryCounterIsInMode3WithTheLargestCount() {
        // QEMU's reset state: mode 3, lobyte/hibyte, binary, count 65536; counter 2's gate is low.
        assertEquals(STATUS_OUT | 0x36, status(0));
        assertEquals(STATUS_OUT | 0x36, status(1));
        assertEquals(STATUS_OUT | 0x36, status(2));
        clock.advancePitTicks(100);
        assertEquals(0x10000 - 200, latched(0), "mode 3 counts down by two");
        assertEquals(0, latched(2), "counter 2 waits for its gate");
    }

    @Test
    void mode0CountsDownAndRaisesOutAtTerminalCount() {
        program(COUNTER0_LOHI, 0x1000);
        assertEquals(0x30, status(0), "OUT low, count loaded");
        clock.advancePitTicks(0x100);
        assertEquals(0x0f00, latched(0));
        clock.advancePitTicks(0xeff);
        assertEquals(1, latched(0));
        assertFalse(pit.out(0));
        clock.advancePitTicks(1);
        assertTrue(pit.out(0));
        assertEquals(STATUS_OUT | 0x30, status(0));
        clock.advancePitTicks(2);
        assertEquals(0xfffe, latched(0), "the counter wraps and goes on; OUT stays high");
        assertTrue(pit.out(0));
    }

    @Test
    void controlWordSetsOutLowInMode0AndHighInTheOthers() {
        pit.write(CONTROL, 1, COUNTER0_LOHI);
        assertEquals(STATUS_NULL | 0x30, status(0));
        pit.write(CONTROL, 1, COUNTER0_LOHI | 2 << 1);
        assertEquals(STATUS_OUT | STATUS_NULL | 0x34, status(0));
    }

    @Test
    void writingTheFirstByteInMode0StopsCountingAndLowersOut() {
        program(COUNTER0_LOHI, 10);
        clock.advancePitTicks(20);
        assertTrue(pit.out(0));
        pit.write(0, 1, 0x34);
        assertFalse(pit.out(0));
        int held = latched(0);
        clock.advancePitTicks(5);
        assertEquals(held, latched(0), "not counting between the two bytes");
        pit.write(0, 1, 0x12);
        clock.advancePitTicks(4);
        assertEquals(0x1234 - 4, latched(0));
    }

    @Test
    void unlatchedReadsFollowTheCounterByteByByte() {
        program(COUNTER0_LOHI, 0x0300);
        clock.advancePitTicks(1);
        assertEquals(0xff, pit.read(0, 1), "LSB of 0x2ff");
        clock.advancePitTicks(0x100);
        assertEquals(0x01, pit.read(0, 1), "MSB of 0x1ff: each byte is read live");
    }

    @Test
    void aLatchedCountHoldsUntilReadAndASecondLatchIsIgnored() {
        program(COUNTER0_LOHI, 0x1000);
        clock.advancePitTicks(0x10);
        pit.write(CONTROL, 1, 0x00);
        clock.advancePitTicks(0x10);
        pit.write(CONTROL, 1, 0x00); // ignored: the first latch is unread
        assertEquals(0x0ff0, readWord(0));
        assertEquals(0x0fe0, latched(0), "the next latch sees the time that passed");
    }

    @Test
    void lobyteOnlyAndHibyteOnlyAccess() {
        pit.write(CONTROL, 1, 0x10); // counter 0, LSB only, mode 0
        pit.write(0, 1, 0x50);
        clock.advancePitTicks(0x10);
        assertEquals(0x40, pit.read(0, 1));
        assertEquals(0x40, pit.read(0, 1), "every read is the LSB");
        pit.write(CONTROL, 1, 0x20); // MSB only
        pit.write(0, 1, 0x12);
        clock.advancePitTicks(0x100);
        assertEquals(0x11, pit.read(0, 1), "0x1200 - 0x100 = 0x1100");
        pit.write(CONTROL, 1, 0x00);
        assertEquals(0x11, pit.read(0, 1), "a latched count is one byte in MSB-only mode");
        clock.advancePitTicks(0x100);
        assertEquals(0x10, pit.read(0, 1), "and the latch is released after it");
    }

    @Test
    void countZeroIsTheLargestCount() {
        program(COUNTER0_LOHI | 2 << 1, 0);
        clock.advancePitTicks(1);
        assertEquals(0xffff, latched(0));
        clock.advancePitTicks(0xffff);
        assertEquals(0, latched(0), "reloaded with 65536, which reads 0");
    }

    @Test
    void mode2IsARateGeneratorWithOutLowForTheLastClock() {
        program(COUNTER0_LOHI | 2 << 1, 4);
        assertTrue(pit.out(0));
        assertEquals(4, latched(0));
        clock.advancePitTicks(2);
        assertEquals(2, latched(0));
        assertTrue(pit.out(0));
        clock.advancePitTicks(1);
        assertEquals(1, latched(0));
        assertFalse(pit.out(0), "low while the count is 1");
        clock.advancePitTicks(1);
        assertEquals(4, latched(0), "reloaded");
        assertTrue(pit.out(0));
    }

    @Test
    void mode3IsASquareWave() {
        program(COUNTER0_LOHI | 3 << 1, 8);
        assertTrue(pit.out(0));
        clock.advancePitTicks(1);
        assertEquals(6, latched(0), "counts by two");
        clock.advancePitTicks(3);
        assertFalse(pit.out(0), "the second half is low");
        assertEquals(8, latched(0), "reloaded for the second half");
        clock.advancePitTicks(4);
        assertTrue(pit.out(0));
    }

    @Test
    void mode3WithAnOddCountIsHighOneClockLonger() {
        program(COUNTER0_LOHI | 3 << 1, 5);
        clock.advancePitTicks(2);
        assertTrue(pit.out(0));
        clock.advancePitTicks(1);
        assertFalse(pit.out(0), "high for 3 clocks, low for 2");
        clock.advancePitTicks(2);
        assertTrue(pit.out(0));
    }

    @Test
    void mode4StrobesOutLowForOneClockAtTerminalCount() {
        program(COUNTER0_LOHI | 4 << 1, 3);
        clock.advancePitTicks(2);
        assertTrue(pit.out(0));
        clock.advancePitTicks(1);
        assertFalse(pit.out(0));
        clock.advancePitTicks(1);
        assertTrue(pit.out(0));
        clock.advancePitTicks(0x10000);
        assertTrue(pit.out(0), "one strobe only");
    }

    @ParameterizedTest
    @CsvSource({"6, 2", "7, 3"})
    void modes6And7AreModes2And3AndReadBackAsWritten(int written, int behaves) {
        program(COUNTER0_LOHI | written << 1, 4);
        assertEquals(STATUS_OUT | 0x30 | written << 1, status(0));
        clock.advancePitTicks(1);
        assertEquals(behaves == 2 ? 3 : 2, latched(0));
    }

    @Test
    void bcdCountsInDecimalDigits() {
        program(COUNTER0_LOHI | 1, 0x1000); // 1000 decimal
        clock.advancePitTicks(1);
        assertEquals(0x0999, latched(0));
        clock.advancePitTicks(999);
        assertEquals(0x0000, latched(0));
        clock.advancePitTicks(1);
        assertEquals(0x9999, latched(0), "wraps within 0000-9999");
        assertEquals(STATUS_OUT | 0x31, status(0));
    }

    @Test
    void readBackLatchesStatusThenCountForTheSelectedCounters() {
        program(COUNTER0_LOHI, 0x1000);
        program(0x80 | 0x30 | 2 << 1, 0x2000); // counter 2 mode 2; its gate is low
        clock.advancePitTicks(0x10);
        pit.write(CONTROL, 1, 0xc0 | 0x08 | 0x02); // count and status of counters 2 and 0
        clock.advancePitTicks(0x10);
        assertEquals(0x30, pit.read(0, 1), "the status comes first");
        assertEquals(0x0ff0, readWord(0), "then the count latched with it");
        assertEquals(STATUS_OUT | 0x34, pit.read(2, 1));
        assertEquals(0x2000, readWord(2));
        assertEquals(0x0fe0, readWord(0), "both latches are released");
    }

    @Test
    void readBackOfTheCountOnlyOrTheStatusOnly() {
        program(COUNTER0_LOHI, 0x1000);
        pit.write(CONTROL, 1, 0xd0 | 0x02); // count only
        clock.advancePitTicks(1);
        assertEquals(0x1000, readWord(0));
        pit.write(CONTROL, 1, 0xe0 | 0x02); // status only
        assertEquals(0x30, pit.read(0, 1));
        assertEquals(0x0fff, readWord(0), "then the live count");
    }

    @Test
    void nullCountStaysSetInMode1UntilTheGateTriggers() {
        program(0x80 | 0x30 | 1 << 1, 5);
        assertEquals(STATUS_OUT | STATUS_NULL | 0x32, status(2));
        pit.setGate(2, true);
        assertEquals(0x32, status(2), "the trigger loaded the count; OUT went low");
        clock.advancePitTicks(5);
        assertTrue(pit.out(2), "high again at terminal count");
    }

    @Test
    void mode1RetriggersOnEveryRisingEdge() {
        program(0x80 | 0x30 | 1 << 1, 5);
        pit.setGate(2, true);
        clock.advancePitTicks(4);
        pit.setGate(2, false);
        pit.setGate(2, true);
        clock.advancePitTicks(4);
        assertFalse(pit.out(2), "the one-shot started again");
        clock.advancePitTicks(1);
        assertTrue(pit.out(2));
    }

    @Test
    void aLowGateSuspendsCountingInMode0() {
        program(0x80 | 0x30, 100);
        clock.advancePitTicks(10);
        assertEquals(100, latched(2), "gate low since reset: not counting");
        pit.setGate(2, true);
        clock.advancePitTicks(10);
        pit.setGate(2, false);
        clock.advancePitTicks(50);
        assertEquals(90, latched(2));
        pit.setGate(2, true);
        clock.advancePitTicks(90);
        assertTrue(pit.out(2));
    }

    @Test
    void aLowGateForcesOutHighInMode2AndItsRiseRestartsTheCount() {
        pit.setGate(2, true);
        program(0x80 | 0x30 | 2 << 1, 10);
        clock.advancePitTicks(9);
        assertFalse(pit.out(2));
        pit.setGate(2, false);
        assertTrue(pit.out(2));
        pit.setGate(2, true);
        assertEquals(10, latched(2));
    }

    @Test
    void mode5StartsAtTheGatesRisingEdge() {
        program(0x80 | 0x30 | 5 << 1, 3);
        clock.advancePitTicks(10);
        assertTrue(pit.out(2));
        pit.setGate(2, true);
        clock.advancePitTicks(3);
        assertFalse(pit.out(2), "strobe at terminal count");
        clock.advancePitTicks(1);
        assertTrue(pit.out(2));
    }

    @Test
    void theControlWordRegisterReadsFloating() {
        assertEquals(0xff, pit.read(CONTROL, 1));
    }
}
