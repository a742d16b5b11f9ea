package dev.uhv.linux;

import com.sun.jna.LastErrorException;

import java.io.File;
import java.util.Arrays;
import java.util.BitSet;

/** CPU affinity of the calling thread. */
public final class Sched {
    /** 1024 CPUs, glibc's CPU_SETSIZE. */
    private static final int MASK_WORDS = 16;

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
     * remaining CPUs it may use. Threads created later inherit their creator's mask. No-op when cpu
     * is the only one.
     */
    public static void reserveCpuForCurrentThread(int cpu) {
        BitSet others = allowedCpus();
        others.clear(cpu);
        if (others.isEmpty()) {
            return;
        }
        long[] mask = Arrays.copyOf(others.toLongArray(), MASK_WORDS);
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
                LibC.sched_setaffinity(tid, MASK_WORDS * 8L, mask);
            } catch (LastErrorException e) {
                // the thread ended meanwhile, or refuses (ESRCH, EINVAL): it only costs speed
            }
        }
    }

    /** The CPUs this process may run on (its affinity mask: taskset, cgroups). */
    public static BitSet allowedCpus() {
        long[] mask = new long[MASK_WORDS];
        try {
            LibC.sched_getaffinity(0, MASK_WORDS * 8L, mask);
        } catch (LastErrorException e) {
            BitSet one = new BitSet();
            one.set(currentCpu());
            return one;
        }
        return BitSet.valueOf(mask);
    }

    /**
     * The highest-numbered CPU this process may run on: uhv's default pin. CPU 0 takes most device
     * interrupts on many machines (on this project's machines it runs a compute loop 2x slower).
     */
    public static int defaultCpu() {
        return allowedCpus().length() - 1;
    }

    /**
     * The CPU for a thread that works beside one pinned to cpu: the highest other CPU this process
     * may use, or cpu itself when it is the only one.
     */
    public static int neighbourCpu(int cpu) {
        BitSet others = allowedCpus();
        others.clear(cpu);
        return others.isEmpty() ? cpu : others.length() - 1;
    }

    /** The CPU the calling thread runs on now. */
    public static int currentCpu() {
        return LibC.sched_getcpu();
    }
}
