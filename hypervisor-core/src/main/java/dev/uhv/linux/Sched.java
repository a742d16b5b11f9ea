package dev.uhv.linux;

import com.sun.jna.LastErrorException;

import java.io.File;

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

    /**
     * Keeps the JVM's other threads (JIT compilers, GC, the main thread) off cpu, so the pinned vCPU
     * thread and the guest have it to themselves: every other thread of this process is moved to the
     * remaining online CPUs. Threads created later inherit their creator's mask. No-op on one CPU.
     */
    public static void reserveCpuForCurrentThread(int cpu) {
        int online = Runtime.getRuntime().availableProcessors();
        if (online < 2) {
            return;
        }
        long[] others = new long[(online + 63) / 64];
        for (int c = 0; c < online; c++) {
            if (c != cpu) {
                others[c / 64] |= 1L << (c % 64);
            }
        }
        int self = LibC.gettid();
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            return;
        }
        for (File task : tasks) {
            int tid = Integer.parseInt(task.getName());
            if (tid == self) {
                continue;
            }
            try {
                LibC.sched_setaffinity(tid, others.length * 8L, others);
            } catch (LastErrorException e) {
                // the thread ended meanwhile, or refuses (ESRCH, EINVAL): it only costs speed
            }
        }
    }

    /**
     * The highest-numbered CPU this process may run on: uhv's default pin. CPU 0 takes most device
     * interrupts on many machines (on this project's machines it runs a compute loop 2x slower).
     */
    public static int defaultCpu() {
        long[] mask = new long[16];
        try {
            LibC.sched_getaffinity(0, mask.length * 8L, mask);
        } catch (LastErrorException e) {
            return currentCpu();
        }
        for (int c = mask.length * 64 - 1; c >= 0; c--) {
            if ((mask[c / 64] & (1L << (c % 64))) != 0) {
                return c;
            }
        }
        return currentCpu();
    }

    /** The CPU the calling thread runs on now. */
    public static int currentCpu() {
        return LibC.sched_getcpu();
    }
}
