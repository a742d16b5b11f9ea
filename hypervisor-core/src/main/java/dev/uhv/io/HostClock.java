package dev.uhv.io;

import java.time.Instant;

/**
 * The host time the platform's clocked devices derive their state from, instead of ticking: the
 * PIT and port 0x61 read a monotonic clock, the RTC the wall clock. Tests pass fixed clocks.
 */
public interface HostClock {
    /** The host's clocks: {@link System#nanoTime()} and the system wall clock (UTC). */
    HostClock SYSTEM = new HostClock() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long wallClockNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    };

    /** Nanoseconds from an arbitrary origin; never goes back. */
    long monotonicNanos();

    /** Nanoseconds since 1970-01-01T00:00:00Z. */
    long wallClockNanos();
}
