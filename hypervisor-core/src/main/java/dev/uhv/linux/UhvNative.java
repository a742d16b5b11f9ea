package dev.uhv.linux;

import com.sun.jna.Native;

/** uhv's own native helpers in libuhv.so (native/src/lib). */
public final class UhvNative {
    static {
        Native.register(UhvNative.class, "uhv");
    }

    private UhvNative() {
    }

    private static native int uhv_spawn_child(String path, int memfd, long mapAddr, long mapLen, long fileOffset,
                                              int cpu, int flags, int pageFd);

    private static native int uhv_futex_wait(long word, int expected, long timeoutNanos);

    private static native int uhv_futex_wake(long word);

    private static native int uhv_has_fsgsbase();

    /**
     * Starts native/uhv-child as a child of the calling thread (see child.c for its arguments; pageFd
     * is the fast transport's trap page, or -1). Returns its pid.
     */
    public static int spawnChild(String path, int memfd, long mapAddr, long mapLen, long fileOffset, int cpu,
                                 int flags, int pageFd) {
        int pid = uhv_spawn_child(path, memfd, mapAddr, mapLen, fileOffset, cpu, flags, pageFd);
        if (pid < 0) {
            throw new ErrnoException("posix_spawn(" + path + ")", -pid);
        }
        return pid;
    }

    /**
     * Sleeps while the 32-bit word at address (in a MAP_SHARED mapping) holds expected, at most
     * timeoutNanos. Returns 0 when woken, or -errno: EAGAIN (it had changed), ETIMEDOUT, EINTR.
     */
    public static int futexWait(long address, int expected, long timeoutNanos) {
        return uhv_futex_wait(address, expected, timeoutNanos);
    }

    /** Wakes one thread or process sleeping on the word at address. */
    public static void futexWake(long address) {
        int r = uhv_futex_wake(address);
        if (r < 0) {
            throw new ErrnoException("futex(FUTEX_WAKE)", -r);
        }
    }

    /** Whether the kernel lets user code run rdfsbase/wrfsbase (AT_HWCAP2's FSGSBASE). */
    public static boolean hasFsGsBase() {
        return uhv_has_fsgsbase() != 0;
    }
}
