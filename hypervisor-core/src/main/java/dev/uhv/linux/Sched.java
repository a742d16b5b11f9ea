package dev.uhv.linux;

import com.sun.jna.LastErrorException;

/** CPU affinity of the calling thread. */
public final class Sched {
    private Sched() {
    }

    /** Pins the calling thread (not the whole JVM) to one CPU. */
    public static void pinCurrentThread(int cpu) {
        long[] mask = new long[(cpu / 64) + 1];
        mask[cpu / 64] = 1L << (cpu % 64);
        try {
            LibC.sched_setaffinity(LibC.gettid(), mask.length * 8L, mask);
        } catch (LastErrorException e) {
            throw ErrnoException.of("sched_setaffinity(cpu " + cpu + ")", e);
        }
    }

    /** The CPU the calling thread runs on now. */
    public static int currentCpu() {
        return LibC.sched_getcpu();
    }
}
