package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The MC146818A model on a host clock fixed at Thursday 2024-02-29 13:45:56.5 UTC. */
class CmosRtcTest {
    private static final long MIB = 1L << 20;
    private static final long SECOND = 1_000_000_000L;

    private FakeClock clock;
    private CmosRtc rtc;

    @BeforeEach
    void setUp() {
        Instant start = Instant.parse("2024-02-29T13:45:56.500Z");
        clock = new FakeClock(start.getEpochSecond() * SECOND + start.getNano());
        rtc = new CmosRtc(64 * MIB, clock::wallClockNanos);
    }

    private int get(int index) {
        rtc.write(0, 1, index);
        return rtc.read(1, 1);
    }

    private void set(int index, int value) {
        rtc.write(0, 1, index);
        rtc.write(1, 1, value);
    }

    private String bcdTime() {
        return String.format("%02x-%02x-%02x-%02x %02x:%02x:%02x dow %d", get(0x32), get(0x09), get(0x08), get(0x07),
                get(0x04), get(0x02), get(0x00), get(0x06));
    }

    @Test
    void statusRegistersAtReset() {
        assertEquals(0x26, get(0x0a) & 0x7f);
        assertEquals(0x02, get(0x0b), "24-hour, BCD");
        assertEquals(0x00, get(0x0c));
        assertEquals(0x80, get(0x0d), "valid RAM and time");
    }

    @Test
    void timeAndDateInBcdFromTheHostClock() {
        assertEquals("20-24-02-29 13:45:56 dow 5", bcdTime()); // Sunday = 1
        clock.advance(SECOND);
        assertEquals(0x57, get(0x00));
    }

    @Test
    void binaryModeAndTwelveHourMode() {
        set(0x0b, 0x06); // binary, 24-hour
        assertEquals(56, get(0x00));
        assertEquals(13, get(0x04));
        assertEquals(24, get(0x09));
        assertEquals(20, get(0x32));
        set(0x0b, 0x00); // BCD, 12-hour
        assertEquals(0x81, get(0x04), "1 PM");
        set(0x0b, 0x04); // binary, 12-hour
        assertEquals(0x81, get(0x04));
        clock.advance(11 * 3600 * SECOND); // 00:45:56 next day
        assertEquals(12, get(0x04), "12 AM");
    }

    @Test
    void updateInProgressInTheLast244UsOfEachSecond() {
        assertFalse((get(0x0a) & 0x80) != 0);
        clock.advance(SECOND / 2 - 200_000); // .9998
        assertTrue((get(0x0a) & 0x80) != 0);
        clock.advance(200_000);
        assertFalse((get(0x0a) & 0x80) != 0, "the next second has begun");
        clock.advance(SECOND - 100_000);
        set(0x0b, 0x82);
        assertFalse((get(0x0a) & 0x80) != 0, "no updates while SET");
    }

    @Test
    void statusAKeepsItsWritableBits() {
        set(0x0a, 0xff);
        assertEquals(0x7f, get(0x0a) & 0x7f);
    }

    @Test
    void aTimeWriteMovesTheGuestClockAndItKeepsTicking() {
        set(0x04, 0x05);
        assertEquals("20-24-02-29 05:45:56 dow 5", bcdTime());
        clock.advance(3 * SECOND);
        assertEquals("20-24-02-29 05:45:59 dow 5", bcdTime());
        set(0x32, 0x19);
        assertEquals("19-24-02-29 05:45:59 dow 6", bcdTime(), "1924-02-29 was a Friday");
    }

    @Test
    void setHoldsTheRegistersUntilClearedThenTheNewTimeRuns() {
        set(0x0b, 0x82);
        clock.advance(10 * SECOND);
        assertEquals(0x56, get(0x00), "frozen while SET");
        set(0x0b, 0x86); // binary from now on: the registers are not converted
        set(0x00, 0);
        set(0x02, 30);
        set(0x04, 8);
        set(0x07, 1);
        set(0x08, 1);
        set(0x09, 99);
        set(0x32, 19);
        set(0x0b, 0x06);
        assertEquals(0, get(0x00));
        assertEquals(30, get(0x02));
        assertEquals(8, get(0x04));
        assertEquals(99, get(0x09));
        assertEquals(6, get(0x06), "1999-01-01 was a Friday");
        clock.advance(61 * SECOND);
        assertEquals(1, get(0x00));
        assertEquals(31, get(0x02));
    }

    @Test
    void settingSetClearsTheUpdateInterruptEnable() {
        set(0x0b, 0x92);
        assertEquals(0x82, get(0x0b));
    }

    @Test
    void statusCReportsUpdatesAndPeriodsSinceItWasLastReadAndClears() {
        assertEquals(0, get(0x0c));
        clock.advance(SECOND / 4);
        assertEquals(0x40, get(0x0c), "rate 6: a period is 976.5 us");
        clock.advance(SECOND / 2);
        assertEquals(0x50, get(0x0c), "a second boundary passed");
        assertEquals(0, get(0x0c), "read clears");
        set(0x0b, 0x12); // UIE
        clock.advance(SECOND);
        assertEquals(0xd0, get(0x0c), "IRQF: an enabled flag is set");
        set(0x0a, 0x20); // no periodic rate
        clock.advance(SECOND);
        assertEquals(0x90, get(0x0c));
    }

    @Test
    void alarmAndNvramBytesHoldWhatTheGuestWrites() {
        set(0x01, 0x30);
        set(0x03, 0xc0);
        set(0x05, 0x07);
        set(0x40, 0x5a);
        set(0x7f, 0xa5);
        assertEquals(0x30, get(0x01));
        assertEquals(0xc0, get(0x03));
        assertEquals(0x07, get(0x05));
        assertEquals(0x5a, get(0x40));
        assertEquals(0xa5, get(0x7f));
    }

    @Test
    void statusCAndDAreReadOnly() {
        set(0x0d, 0);
        assertEquals(0x80, get(0x0d));
        set(0x0c, 0xff);
        assertEquals(0, get(0x0c));
    }

    @Test
    void indexBit7DisablesNmiAndIsNotPartOfTheIndex() {
        assertFalse(rtc.nmiDisabled());
        rtc.write(0, 1, 0x80 | 0x0d);
        assertTrue(rtc.nmiDisabled());
        assertEquals(0x80, rtc.read(1, 1), "register D");
        rtc.write(0, 1, 0x0d);
        assertFalse(rtc.nmiDisabled());
        assertEquals(0xff, rtc.read(0, 1), "the index port is write-only");
    }

    @ParameterizedTest(name = "{0} KiB")
    @CsvSource({
        // RAM KiB, base, extended (0x17 and 0x30), above 16 MiB in 64 KiB
        "512, 512, 0, 0",
        "1024, 640, 0, 0",
        "65536, 640, 64512, 768",
        "1048576, 640, 65535, 16128"})
    void memorySizeBytesAsQemuWritesThem(long kib, int base, int extended, int above16m) {
        CmosRtc r = new CmosRtc(kib * 1024, clock::wallClockNanos);
        assertEquals(base, word(r, 0x15));
        assertEquals(extended, word(r, 0x17));
        assertEquals(extended, word(r, 0x30));
        assertEquals(above16m, word(r, 0x34));
    }

    private static int word(CmosRtc r, int low) {
        r.write(0, 1, low);
        int value = r.read(1, 1);
        r.write(0, 1, low + 1);
        return value | r.read(1, 1) << 8;
    }
}
