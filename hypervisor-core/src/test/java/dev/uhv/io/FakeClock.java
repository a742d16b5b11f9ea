package dev.uhv.io;

/** A host clock that moves only when a test moves it: both clocks advance together. */
final class FakeClock implements HostClock {
    private long monotonic;
    private long wall;

    FakeClock(long wallClockNanos) {
        monotonic = 1_000_000_000_000L; // any origin: devices must only use differences
        wall = wallClockNanos;
    }

    void advance(long nanos) {
        monotonic += nanos;
        wall += nanos;
    }

    /** Advances by the time of n PIT clocks, rounded up so that n whole clocks have passed. */
    void advancePitTicks(long n) {
        advance((n * 1_000_000_000L + Pit8254.FREQUENCY_HZ - 1) / Pit8254.FREQUENCY_HZ);
    }

    @Override
    public long monotonicNanos() {
        return monotonic;
    }

    @Override
    public long wallClockNanos() {
        return wall;
    }
}
